using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// A host HaKube has set up and still answers for, as the state store remembers it. A host removed
/// from spec.hosts is no longer described anywhere else, yet HaKube must still reach it (to drain
/// and reset it) and know what it was (to remove its etcd member and Node): this is that memory.
/// </summary>
/// <param name="Name">spec.hosts[].name when it was in the spec (the node and etcd member name).</param>
/// <param name="Address">Its address then.</param>
/// <param name="Roles">Its roles then.</param>
/// <param name="SshPort">The SSH port it was reached on.</param>
/// <param name="HostKeys">The host keys it was trusted with ("type base64": its pin, or its known_hosts entries), so that it is verified the same way once it leaves the spec. Public keys, not secrets.</param>
public sealed record ManagedHost(string Name, string Address, IReadOnlyList<HostRole> Roles, int SshPort, IReadOnlyList<string> HostKeys)
{
    /// <summary>The host as the planner sees it: a spec entry that is no longer in the spec.</summary>
    public HostSpec ToHostSpec() => new() { Name = Name, Address = Address, Roles = Roles };

    public bool Equivalent(ManagedHost other) =>
        other is not null && Name == other.Name && Address == other.Address && SshPort == other.SshPort &&
        Roles.SequenceEqual(other.Roles) && HostKeys.SequenceEqual(other.HostKeys, StringComparer.Ordinal);
}
