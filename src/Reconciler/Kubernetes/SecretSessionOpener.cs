using System.Security.Cryptography;
using System.Text;
using HaKube.Actions.Probe;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Loading;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Execution;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Custom-resource mode's sessions: the SSH key and known_hosts from the Secrets the spec names, read on every
/// pass so a rotated key is used at once.
/// </summary>
internal sealed class SecretSessionOpener(HaClusterApi api, SshConnectionPool pool, TimeProvider? time = null) : ISessionOpener
{
    private readonly BinaryVersionCache _versions = new();
    private readonly UnstoredMaterialCache _unstored = new();

    public async Task<ClusterSession> OpenAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var cluster = manifest.Cluster;
        var ns = cluster.Metadata.Namespace ?? "";
        var reference = cluster.Spec.Ssh.PrivateKeySecretRef
            ?? throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.privateKeySecretRef: custom-resource mode reads the key from a Secret; this HaCluster names none");
        var knownHosts = await KnownHostsAsync(manifest, cluster.Spec.Ssh.KnownHostsSecretRef, cancellationToken);
        var referenced = await ReferencedAsync(manifest, cancellationToken);
        var material = await api.ReadSecretAsync("spec.ssh.privateKeySecretRef", ns, reference.Name, reference.Key, cancellationToken);
        try
        {
            var key = SshPrivateKey.FromMemory(material, $"Secret {ns}/{reference.Name}[{reference.Key}]");
            var store = new ClusterStateStore(new SecretStateBackend(api.Client, ns, cluster.Metadata.Name));
            return new ClusterSession(cluster, SshTargets.FromSpec(cluster.Spec, key, knownHosts), pool, store, time, knownHosts, _versions)
            {
                Referenced = referenced,
                Key = key,
                UnstoredMaterial = _unstored,
            };
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.privateKeySecretRef: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>The mirrors' CAs, the package key and Calico's operator manifests from the Secrets the spec names (caSecretRef, keySecretRef, secretRef).</summary>
    private async Task<ReferencedContent> ReferencedAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        var ns = manifest.Cluster.Metadata.Namespace ?? "";
        try
        {
            return await ReferencedContentReader.ReadAsync(
                manifest.Cluster.Spec,
                async (source, token) =>
                {
                    if (source.Secret is not { } secret)
                    {
                        throw new InvalidOperationException($"{source.SecretField}: custom-resource mode reads this from a Secret; this HaCluster names none");
                    }

                    var bytes = await api.ReadSecretAsync(source.SecretField, ns, secret.Name, secret.Key, token);
                    return bytes.LongLength <= source.MaxBytes
                        ? bytes
                        : throw new InvalidOperationException($"{source.SecretField}: Secret {ns}/{secret.Name}[{secret.Key}] is {bytes.LongLength} bytes; expected at most {source.MaxBytes}");
                },
                cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: {e.Message}", e);
        }
    }

    private async Task<KnownHosts> KnownHostsAsync(LoadedManifest manifest, SecretKeyRef? reference, CancellationToken cancellationToken)
    {
        if (reference is null)
        {
            return KnownHosts.Empty; // every host is pinned (validation made sure)
        }

        var bytes = await api.ReadSecretAsync("spec.ssh.knownHostsSecretRef", manifest.Cluster.Metadata.Namespace ?? "", reference.Name, reference.Key, cancellationToken);
        try
        {
            return KnownHosts.Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
        }
        catch (DecoderFallbackException e)
        {
            var secret = $"{manifest.Cluster.Metadata.Namespace}/{reference.Name}[{reference.Key}]";
            throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.knownHostsSecretRef: Secret {secret} is not UTF-8 text, so not a known_hosts file", e);
        }
    }
}
