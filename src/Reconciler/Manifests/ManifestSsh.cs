using HaKube.Actions.Ssh;
using HaKube.Model.Loading;

namespace HaKube.Reconciler.Manifests;

/// <summary>
/// How a manifest in directory mode reaches its hosts: the client key and known_hosts, both
/// relative to the manifest, and the SSH targets built from them. One place for probe, plan,
/// apply, the daemon and the benchmarks.
/// </summary>
public static class ManifestSsh
{
    /// <summary>The targets of every host, and the loaded client key (the caller owns it).</summary>
    /// <exception cref="InvalidOperationException">The manifest names no key file, or the key or known_hosts cannot be read; the message says which.</exception>
    public static async Task<(IReadOnlyList<SshTarget> Targets, SshPrivateKey Key)> LoadAsync(LoadedManifest manifest, CancellationToken cancellationToken)
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
            return (SshTargets.FromSpec(spec, key, knownHosts), key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: {e.Message}", e);
        }
    }
}
