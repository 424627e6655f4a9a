using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>
/// What the probe of one host needs: its address (to pick its listeners and local etcd), versions
/// learnt earlier, and the fixed paths to report on.
/// </summary>
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
