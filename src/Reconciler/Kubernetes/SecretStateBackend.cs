using System.Net;
using System.Text;
using HaKube.Actions.State;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Custom-resource mode's state store: one Secret per item, <c>hakube-CLUSTER-ITEM</c>, in the HaCluster's
/// namespace. No owner reference on purpose: deleting the HaCluster must not delete the cluster's identity.
/// </summary>
internal sealed class SecretStateBackend : IStateBackend
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string ClusterLabel = "hakube.io/cluster";
    public const string ItemAnnotation = "hakube.io/state-item";
    public const string SecretType = "hakube.io/state";

    private const int WriteAttempts = 10;

    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _cluster;

    public SecretStateBackend(IKubernetes client, string ns, string cluster)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        (_client, _namespace, _cluster) = (client, ns, cluster);
    }

    public string Location => $"Secrets {_namespace}/hakube-{_cluster}-*";

    /// <summary>The Secret that holds <paramref name="item"/>: hakube-CLUSTER-ITEM, '.json' dropped, '/' and '.' as '-'.</summary>
    public string SecretName(string item)
    {
        ArgumentException.ThrowIfNullOrEmpty(item);
        var slug = (item.EndsWith(".json", StringComparison.Ordinal) ? item[..^5] : item)
            .Replace('/', '-').Replace('.', '-').ToLowerInvariant();
        var name = $"hakube-{_cluster}-{slug}";
        return name.Length <= 253 && HaKube.Model.Validation.Syntax.IsDns1123Subdomain(name)
            ? name
            : throw new ArgumentException($"state item \"{item}\" of cluster {_cluster} makes no valid Secret name (\"{name}\")", nameof(item));
    }

    /// <summary>The data key the item's text is under: its file name.</summary>
    public static string DataKey(string item) => item[(item.LastIndexOf('/') + 1)..];

    public async Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var secret = await GetAsync(name, cancellationToken);
        if (secret is null)
        {
            return null;
        }

        return secret.Data?.TryGetValue(DataKey(name), out var value) == true
            ? Encoding.UTF8.GetString(value)
            : throw new InvalidDataException($"Secret {_namespace}/{secret.Metadata.Name} has no key \"{DataKey(name)}\"");
    }

    public async Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CoreV1.CreateNamespacedSecretAsync(New(name, content), _namespace, cancellationToken: cancellationToken);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false; // AlreadyExists: another writer's value stands
        }
        catch (HttpOperationException e)
        {
            throw Refused("create", name, e);
        }
    }

    public async Task WriteAsync(string name, string content, CancellationToken cancellationToken)
    {
        // Read, then create or replace against the version read; a concurrent writer makes it a 409: go again.
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(name, cancellationToken);
            try
            {
                if (existing is null)
                {
                    await _client.CoreV1.CreateNamespacedSecretAsync(New(name, content), _namespace, cancellationToken: cancellationToken);
                }
                else
                {
                    var next = New(name, content);
                    next.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                    await _client.CoreV1.ReplaceNamespacedSecretAsync(next, next.Metadata.Name, _namespace, cancellationToken: cancellationToken);
                }

                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < WriteAttempts)
            {
                // Changed meanwhile: read again after a short jittered pause, so racing writers spread out.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken);
            }
            catch (HttpOperationException e)
            {
                throw Refused(existing is null ? "create" : "update", name, e);
            }
        }
    }

    private async Task<V1Secret?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var secretName = SecretName(name);
        V1Secret secret;
        try
        {
            secret = await _client.CoreV1.ReadNamespacedSecretAsync(secretName, _namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            throw Refused("get", name, e);
        }

        // Names can collide (cluster "a" item "b-c", cluster "a-b" item "c"); the annotations say whose it is.
        var annotations = secret.Metadata.Annotations;
        var owner = annotations?.TryGetValue(ClusterLabel, out var cluster) == true ? cluster : null;
        var item = annotations?.TryGetValue(ItemAnnotation, out var stored) == true ? stored : null;
        return owner == _cluster && item == name
            ? secret
            : throw new InvalidDataException($"Secret {_namespace}/{secretName} is not HaKube's state item \"{name}\" of cluster {_cluster} (it says cluster \"{owner}\", " +
                $"item \"{item}\"); rename or remove it");
    }

    /// <summary>
    /// The API server refused: a failed pass whose status says which Secret and why (the response
    /// is a Status object, never the Secret's data). 403 is RBAC: the chart grants get, create, update.
    /// </summary>
    private InvalidOperationException Refused(string verb, string name, HttpOperationException e)
    {
        var code = (int)e.Response.StatusCode;
        var hint = e.Response.StatusCode == HttpStatusCode.Forbidden
            ? "; HaKube's service account needs get, create and update on Secrets in this namespace (the chart's RBAC grants them)"
            : "";
        return new InvalidOperationException($"state store: {verb} Secret {_namespace}/{SecretName(name)}: the API server answered {code} {e.Response.ReasonPhrase}{hint}", e);
    }

    private V1Secret New(string name, string content)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManagedByLabel] = "hakube",
            [ComponentLabel] = "state",
        };
        if (HaKube.Model.Validation.Syntax.IsLabelValue(_cluster))
        {
            labels[ClusterLabel] = _cluster;
        }

        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = SecretName(name),
                NamespaceProperty = _namespace,
                Labels = labels,
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [ClusterLabel] = _cluster, [ItemAnnotation] = name },
            },
            Type = SecretType,
            Data = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [DataKey(name)] = Encoding.UTF8.GetBytes(content) },
        };
    }
}
