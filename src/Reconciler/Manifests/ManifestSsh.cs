using System.Security.Cryptography;
using System.Text;
using HaKube.Actions.Files;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Loading;

namespace HaKube.Reconciler.Manifests;

/// <summary>
/// How a manifest in directory mode reaches its hosts: the client key, known_hosts and SSH targets, in one
/// place for every command. Both files are checked again as validation checked them, since they may have changed.
/// </summary>
public static class ManifestSsh
{
    /// <summary>The targets of every host, the parsed known_hosts, and the loaded client key (the caller owns it).</summary>
    /// <exception cref="InvalidOperationException">The manifest names no key file, or the key or known_hosts cannot be read; the message says which.</exception>
    public static async Task<(IReadOnlyList<SshTarget> Targets, SshPrivateKey Key, KnownHosts KnownHosts)> LoadAsync(
        LoadedManifest manifest, CancellationToken cancellationToken, IReadOnlyList<string>? allowPathsOutside = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var spec = manifest.Cluster.Spec;
        var folder = ReferencedFilesOnDisk.FolderOf(manifest.Source.File);
        var scope = new ReferencedFilesOnDisk(allowPathsOutside ?? []).ScopeFor(folder);
        if (spec.Ssh.PrivateKeyFile is not { } keyFile)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: spec.ssh.privateKeyFile: file mode reads the key from a file; this manifest has none");
        }

        try
        {
            var knownHosts = KnownHosts.Empty;
            if (spec.Ssh.KnownHostsFile is { } known)
            {
                var bytes = await Task.Run(() => RegularFile.Read(Path.Combine(folder, known), SshSpec.MaxKnownHostsBytes, scope), cancellationToken);
                knownHosts = KnownHosts.Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes));
            }

            var material = await Task.Run(() => RegularFile.Read(Path.Combine(folder, keyFile), SshSpec.MaxPrivateKeyBytes, scope), cancellationToken);
            try
            {
                var key = SshPrivateKey.FromMemory(material, $"file {Path.Combine(folder, keyFile)}");
                return (SshTargets.FromSpec(spec, key, knownHosts), key, knownHosts);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(material);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or DecoderFallbackException)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: {e.Message}", e);
        }
    }
}
