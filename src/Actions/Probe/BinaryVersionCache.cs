using System.Collections.Concurrent;

namespace HaKube.Actions.Probe;

/// <summary>
/// The versions of each host's kubeadm, kubelet and kubectl as the probe last read them, by pool
/// key, with the identity (size, mtime, inode) of the file each came from. The daemon keeps one for
/// its whole life and hands it to every pass's prober, so a version command runs again only when a
/// binary changed on the host, not on every pass; a host reinstalled at the same address has other
/// inodes, so its versions are read anew.
/// </summary>
public sealed class BinaryVersionCache
{
    private static readonly IReadOnlyDictionary<string, KnownBinary> None = new Dictionary<string, KnownBinary>(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, KnownBinary>> _hosts = new(StringComparer.Ordinal);

    /// <summary>What is known of the host's binaries (empty for a host not probed yet).</summary>
    public IReadOnlyDictionary<string, KnownBinary> For(string poolKey) => _hosts.GetValueOrDefault(poolKey) ?? None;

    /// <summary>Replaces what is known of the host's binaries with what its last probe reported.</summary>
    public void Remember(string poolKey, IReadOnlyDictionary<string, KnownBinary> binaries) => _hosts[poolKey] = binaries;
}
