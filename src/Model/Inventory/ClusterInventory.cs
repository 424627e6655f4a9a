using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// The rules of the inventory of managed hosts, pure: which hosts are departing (remembered, no
/// longer in the spec), which machines are previous machines of a host (the host was replaced at a
/// new address while the old machine may still run), and how a reconcile updates the memory. A
/// host enters when it is in the spec and was reached; it leaves only once its removal step
/// finished (see <see cref="Forget"/>), so a host that is unreachable when it leaves the spec is
/// still removed from etcd and Kubernetes. Entries are keyed by name and address: a host that
/// moved keeps an entry at each address until the old machine is dealt with.
/// </summary>
public static class ClusterInventory
{
    /// <summary>
    /// Remembered hosts whose name is no longer in the spec, in inventory order: per name the
    /// machine remembered last (<see cref="Remember"/> appends a new address after the old one), the
    /// one whose etcd member and Node carry that name.
    /// </summary>
    public static IReadOnlyList<ManagedHost> Departing(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        var names = spec.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        return inventory.Where((h, i) => !names.Contains(h.Name) && IsLastOfName(inventory, i)).ToList();
    }

    /// <summary>
    /// Previous machines: remembered machines of a name that now belongs to another machine (the
    /// spec's host of that name at its new address, which has answered at least once, or the
    /// departing host of that name), in inventory order. They are reset without touching the Node
    /// or any etcd member by name, since those now belong to the newer machine. Never a machine at
    /// an address some spec host has now, and never a machine that was only a load balancer.
    /// </summary>
    public static IReadOnlyList<ManagedHost> Previous(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        var addresses = spec.Hosts.Select(h => h.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var current = spec.Hosts.ToDictionary(h => h.Name, h => h.Address, StringComparer.Ordinal);
        return inventory.Where((h, i) =>
            !addresses.Contains(h.Address) && !LoadBalancerOnly(h) &&
            (current.TryGetValue(h.Name, out var now)
                // The new machine answered once (it is remembered at the new address): an address the
                // user mistyped, which never answers, does not turn a working machine into an old one.
                ? inventory.Any(c => c.Name == h.Name && SameAddress(c.Address, now))
                : !IsLastOfName(inventory, i))).ToList();
    }

    /// <summary>
    /// The roles HaKube set up on spec hosts whose spec roles differ from them (a role change still to
    /// be made, or refused; see <see cref="RoleChange"/>), by host name: the entry at the host's spec
    /// address. A host whose address changed is a new machine, set up as one.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        var result = new Dictionary<string, IReadOnlyList<HostRole>>(StringComparer.Ordinal);
        foreach (var host in spec.Hosts)
        {
            if (inventory.LastOrDefault(h => h.Name == host.Name && SameAddress(h.Address, host.Address)) is { } entry && !RoleChange.Between(entry.Roles, host.Roles).IsNone)
            {
                result[host.Name] = entry.Roles;
            }
        }

        return result;
    }

    /// <summary>
    /// The inventory after a probe: every reached spec host recorded as the spec has it now (its
    /// entry at that address replaced, or a new entry appended), except its roles while a role change
    /// is pending or refused: then it keeps the roles HaKube set up, which say what is still to be
    /// cleaned up, until <see cref="Retire"/> records each cleanup. Entries of the same name at other
    /// addresses are kept, as previous machines to reset, except where nothing is to be done: a
    /// load balancer only, a machine presenting one of the new entry's host keys (the same machine,
    /// reached at another address), or an address some spec host has now (that host's machine).
    /// Unreached spec hosts and departing hosts are kept as they were, load balancers too, since
    /// RemoveLoadBalancer stops HAProxy on them and forgets them only then.
    /// </summary>
    public static IReadOnlyList<ManagedHost> Remember(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec, IEnumerable<ManagedHost> reached)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(reached);
        var names = spec.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var current = spec.Hosts.ToDictionary(h => h.Name, h => h.Address, StringComparer.Ordinal);
        var addresses = spec.Hosts.Select(h => h.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = inventory.ToList();
        foreach (var host in reached.Where(h => names.Contains(h.Name)))
        {
            var at = result.FindIndex(h => h.Name == host.Name && SameAddress(h.Address, host.Address));
            if (at < 0)
            {
                result.Add(host);
            }
            else
            {
                result[at] = RoleChange.Between(result[at].Roles, host.Roles).IsNone ? host : host with { Roles = result[at].Roles };
            }

            result.RemoveAll(h => h.Name == host.Name && !SameAddress(h.Address, host.Address) &&
                (LoadBalancerOnly(h) || h.HostKeys.Intersect(host.HostKeys, StringComparer.Ordinal).Any()));
        }

        result.RemoveAll(h => current.TryGetValue(h.Name, out var now) && !SameAddress(h.Address, now) && addresses.Contains(h.Address));
        return result;
    }

    /// <summary>The inventory without the machine <paramref name="name"/> at <paramref name="address"/>: its removal (or reset) is done.</summary>
    public static IReadOnlyList<ManagedHost> Forget(IReadOnlyList<ManagedHost> inventory, string name, string address)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        return inventory.Where(h => h.Name != name || !SameAddress(h.Address, address)).ToList();
    }

    /// <summary>
    /// The inventory once the removal of <paramref name="role"/> finished on the spec host
    /// <paramref name="name"/> at <paramref name="address"/> (its role changed): the role is dropped
    /// from the entry, and once no cleanup is left the entry takes the spec's roles, so that the new
    /// roles are set up and later removed like any others.
    /// </summary>
    public static IReadOnlyList<ManagedHost> Retire(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec, string name, string address, HostRole role)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        var wanted = spec.Hosts.FirstOrDefault(h => h.Name == name)?.Roles;
        return inventory.Select(h =>
        {
            if (h.Name != name || !SameAddress(h.Address, address))
            {
                return h;
            }

            var left = h.Roles.Where(r => r != role).ToList();
            return wanted is not null && RoleChange.Between(left, wanted).IsNone ? h with { Roles = wanted } : h with { Roles = left };
        }).ToList();
    }

    /// <summary>Whether two inventories say the same (to skip writing an unchanged file).</summary>
    public static bool Same(IReadOnlyList<ManagedHost> a, IReadOnlyList<ManagedHost> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Count == b.Count && a.Zip(b).All(p => p.First.Equivalent(p.Second));
    }

    private static bool IsLastOfName(IReadOnlyList<ManagedHost> inventory, int index)
    {
        for (var i = index + 1; i < inventory.Count; i++)
        {
            if (inventory[i].Name == inventory[index].Name)
            {
                return false;
            }
        }

        return true;
    }

    private static bool LoadBalancerOnly(ManagedHost host) => host.Roles.All(r => r == HostRole.LoadBalancer);

    private static bool SameAddress(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
