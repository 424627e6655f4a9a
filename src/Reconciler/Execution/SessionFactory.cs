using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Loading;

namespace HaKube.Reconciler.Execution;

/// <summary>Builds a <see cref="ClusterSession"/> from a manifest in directory mode: key and known_hosts relative to the manifest.</summary>
public static class SessionFactory
{
    /// <summary>The session, and the loaded client key (dispose it when done).</summary>
    /// <exception cref="InvalidOperationException">The manifest names no key file, or the key or known_hosts cannot be read; the message says which.</exception>
    public static async Task<(ClusterSession Session, SshPrivateKey Key)> CreateAsync(LoadedManifest manifest, SshConnectionPool pool, string stateRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var spec = manifest.Cluster.Spec;
        var folder = Path.GetDirectoryName(Path.GetFullPath(manifest.Source.File))!;
        if (spec.Ssh.PrivateKeyFile is not { } keyFile)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.privateKeyFile: file mode reads the key from a file; this manifest has none");
        }

        try
        {
            var knownHosts = spec.Ssh.KnownHostsFile is { } known ? await KnownHosts.LoadAsync(Path.Combine(folder, known), cancellationToken) : KnownHosts.Empty;
            var key = SshPrivateKey.FromFile(Path.Combine(folder, keyFile));
            var store = new ClusterStateStore(stateRoot, manifest.Cluster.Metadata.Name);
            return (new ClusterSession(manifest.Cluster, SshTargets.FromSpec(spec, key, knownHosts), pool, store), key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: {e.Message}", e);
        }
    }
}
