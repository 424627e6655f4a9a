using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// The state store's memory of a host HaKube set up, so after it leaves spec.hosts it can still be
/// reached (with the same host keys), drained, reset and removed from etcd and Kubernetes.
/// </summary>
public sealed record ManagedHost(string Name, string Address, IReadOnlyList<HostRole> Roles, int SshPort, IReadOnlyList<string> HostKeys)
{
    public HostSpec ToHostSpec() => new() { Name = Name, Address = Address, Roles = Roles };

    public bool Equivalent(ManagedHost other) =>
        other is not null && Name == other.Name && Address == other.Address && SshPort == other.SshPort &&
        Roles.SequenceEqual(other.Roles) && HostKeys.SequenceEqual(other.HostKeys, StringComparer.Ordinal);
}
