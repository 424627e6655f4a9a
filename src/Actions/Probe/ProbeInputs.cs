using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>What the probe of one host needs to know.</summary>
/// <param name="Address">The host's address in the spec: picks its own listeners and the local etcd endpoint.</param>
/// <param name="KnownBinaries">Versions learnt in earlier cycles; unchanged binaries are not run again.</param>
/// <param name="Files">Fixed paths to report on; defaults to <see cref="KnownPaths.Managed"/>.</param>
public sealed record ProbeInputs(string Address, IReadOnlyDictionary<string, KnownBinary> KnownBinaries, IReadOnlyList<string> Files)
{
    /// <summary>This host lists the cluster's Nodes (kubectl get nodes with admin.conf) in the same exec: one control plane per pass.</summary>
    public bool ListNodes { get; init; }

    public ProbeInputs(string address)
        : this(address, new Dictionary<string, KnownBinary>(), KnownPaths.Managed)
    {
    }
}

/// <summary>A binary's identity ("size:mtime:inode") and the version it reported then.</summary>
public sealed record KnownBinary(string Identity, string? Version);
