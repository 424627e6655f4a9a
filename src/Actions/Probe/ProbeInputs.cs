using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>The host's address picks its own listeners and local etcd; known binaries are not run again.</summary>
public sealed record ProbeInputs(string Address, IReadOnlyDictionary<string, KnownBinary> KnownBinaries, IReadOnlyList<string> Files)
{
    /// <summary>Also list the Nodes in the same exec: one control plane per pass.</summary>
    public bool ListNodes { get; init; }

    public ProbeInputs(string address)
        : this(address, new Dictionary<string, KnownBinary>(), KnownPaths.Managed)
    {
    }
}

/// <summary>"size:mtime:inode" and the version reported then.</summary>
public sealed record KnownBinary(string Identity, string? Version);
