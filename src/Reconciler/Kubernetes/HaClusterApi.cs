using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HaKube.Model.Status;
using k8s;
using k8s.Models;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// The daemon's writes to the management cluster: status through the status subresource, the
/// finalizer, Events, and the Secrets the spec names (SSH key, known_hosts). Every object write is a JSON merge patch carrying the
/// resourceVersion it was based on, so a concurrent change is a 409 and the pass is retried.
/// </summary>
public sealed class HaClusterApi(IKubernetes client, TimeProvider time)
{
    /// <summary>As the status file's JSON: camelCase, enums by name, nulls left out.</summary>
    internal static readonly JsonSerializerOptions StatusJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public IKubernetes Client => client;

    /// <summary>The status the object carries, or null when it has none (or one from another version).</summary>
    public static HaClusterStatus? StatusOf(HaClusterObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!resource.Raw.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return status.Deserialize<HaClusterStatus>(StatusJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task WriteStatusAsync(HaClusterObject resource, HaClusterStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        // The whole status is sent; a merge patch replaces its lists (conditions, hosts, plan) as wholes.
        var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(status, StatusJson) };
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            HaClusterObject.Group, HaClusterObject.Version, resource.Namespace, HaClusterObject.Plural, resource.Name, cancellationToken: cancellationToken);
    }

    /// <summary>Sets the finalizers (with or without HaKube's); returns the object as stored.</summary>
    public async Task<HaClusterObject> SetFinalizersAsync(HaClusterObject resource, IReadOnlyList<string> finalizers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var list = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = list, ["resourceVersion"] = resource.ResourceVersion } };
        var stored = await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            HaClusterObject.Group, HaClusterObject.Version, resource.Namespace, HaClusterObject.Plural, resource.Name, cancellationToken: cancellationToken);
        return HaClusterObject.From((JsonElement)stored);
    }

    /// <summary>An Event on the HaCluster, as <c>kubectl describe</c> shows them.</summary>
    public async Task RecordEventAsync(HaClusterObject resource, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var now = time.GetUtcNow().UtcDateTime;
        var item = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{resource.Name}.{time.GetUtcNow().ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}",
                NamespaceProperty = resource.Namespace,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = $"{HaClusterObject.Group}/{HaClusterObject.Version}",
                Kind = HaClusterObject.Kind,
                Name = resource.Name,
                NamespaceProperty = resource.Namespace,
                Uid = resource.Uid,
                ResourceVersion = resource.ResourceVersion,
            },
            Reason = reason,
            Message = message.Length > 1024 ? message[..1021] + "..." : message, // the API server caps event messages
            Type = warning ? "Warning" : "Normal",
            Source = new V1EventSource { Component = "hakube" },
            ReportingComponent = "hakube.io/reconciler",
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        await client.CoreV1.CreateNamespacedEventAsync(item, resource.Namespace, cancellationToken: cancellationToken);
    }

    /// <summary>One key of a Secret in the namespace, as bytes; <paramref name="field"/> is the spec field that named it, for errors.</summary>
    /// <exception cref="InvalidOperationException">The Secret or the key is missing; the message names them.</exception>
    public async Task<byte[]> ReadSecretAsync(string field, string ns, string name, string key, CancellationToken cancellationToken)
    {
        V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"{field}: Secret {ns}/{name} does not exist", e);
        }

        return secret.Data?.TryGetValue(key, out var value) == true
            ? value
            : throw new InvalidOperationException($"{field}: Secret {ns}/{name} has no key \"{key}\"");
    }
}
