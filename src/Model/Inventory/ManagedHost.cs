using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// The state store's memory of a host HaKube set up: once the host leaves spec.hosts, HaKube must
/// still reach it (to drain and reset it) and know what it was (to remove its etcd member and Node).
/// HostKeys ("type base64", public) let it be verified the same way after it leaves the spec.
/// </summary>
public sealed record ManagedHost(string Name, string Address, IReadOnlyList<HostRole> Roles, int SshPort, IReadOnlyList<string> HostKeys)
{
    public HostSpec ToHostSpec() => new() { Name = Name, Address = Address, Roles = Roles };

    public bool Equivalent(ManagedHost other) =>
        other is not null && Name == other.Name && Address == other.Address && SshPort == other.SshPort &&
        Roles.SequenceEqual(other.Roles) && HostKeys.SequenceEqual(other.HostKeys, StringComparer.Ordinal);
}
