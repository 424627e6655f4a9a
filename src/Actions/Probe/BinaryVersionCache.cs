using System.Collections.Concurrent;

namespace HaKube.Actions.Probe;

/// <summary>
/// Each host's binary versions with the identity (size, mtime, inode) of the file they came from.
/// The daemon keeps one across passes, so a version command runs only when a binary changed; a
/// reinstalled host has other inodes.
/// </summary>
public sealed class BinaryVersionCache
{
    private static readonly IReadOnlyDictionary<string, KnownBinary> None = new Dictionary<string, KnownBinary>(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, KnownBinary>> _hosts = new(StringComparer.Ordinal);

    /// <summary>Empty for a host not probed yet.</summary>
    public IReadOnlyDictionary<string, KnownBinary> For(string poolKey) => _hosts.GetValueOrDefault(poolKey) ?? None;

    public void Remember(string poolKey, IReadOnlyDictionary<string, KnownBinary> binaries) => _hosts[poolKey] = binaries;
}
