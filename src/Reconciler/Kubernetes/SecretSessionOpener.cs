using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Loading;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Execution;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Custom-resource mode's sessions: the client key from the Secret named by
/// spec.ssh.privateKeySecretRef, in the HaCluster's namespace, read on every pass so a rotated key is
/// used at once; host keys from the pins on each host (a custom resource has no files beside it).
/// </summary>
public sealed class SecretSessionOpener(HaClusterApi api, SshConnectionPool pool, DaemonOptions options) : ISessionOpener
{
    public async Task<(ClusterSession Session, SshPrivateKey Key)> OpenAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var cluster = manifest.Cluster;
        var reference = cluster.Spec.Ssh.PrivateKeySecretRef
            ?? throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.privateKeySecretRef: custom-resource mode reads the key from a Secret; this HaCluster names none");
        var material = await api.ReadSecretAsync(cluster.Metadata.Namespace ?? "", reference.Name, reference.Key, cancellationToken);
        try
        {
            var key = SshPrivateKey.FromMemory(material, $"Secret {cluster.Metadata.Namespace}/{reference.Name}[{reference.Key}]");
            var store = new ClusterStateStore(options.StateDirectory, cluster.Metadata.Name);
            return (new ClusterSession(cluster, SshTargets.FromSpec(cluster.Spec, key, KnownHosts.Empty), pool, store), key);
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.privateKeySecretRef: {e.Message}", e);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(material);
        }
    }
}
