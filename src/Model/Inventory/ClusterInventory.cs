using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// Rules of the inventory of managed hosts, pure. A host enters when it is in the spec and was
/// reached, and leaves only once its removal finished (<see cref="Forget"/>), so a host unreachable
/// when it leaves the spec is still removed from etcd and Kubernetes. Entries are keyed by name and
/// address: a host that moved keeps an entry at each address until the old machine is dealt with.
/// </summary>
public static class ClusterInventory
{
    /// <summary>Remembered hosts no longer in the spec: per name the machine remembered last, the one whose etcd member and Node carry that name.</summary>
    public static IReadOnlyList<ManagedHost> Departing(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        var names = spec.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        return inventory.Where((h, i) => !names.Contains(h.Name) && IsLastOfName(inventory, i)).ToList();
    }

    /// <summary>
    /// Remembered machines of a name that now belongs to another machine. They are reset without
    /// touching the Node or etcd member of that name, which belong to the newer machine. Never a
    /// machine at an address a spec host has now, nor one that was only a load balancer.
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
    /// By host name, the roles set up on spec hosts whose spec roles differ (see <see cref="RoleChange"/>).
    /// A host whose address changed is a new machine, set up as one.
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
    /// Records every reached spec host as the spec has it now, except that a pending or refused role
    /// change keeps the roles set up (what is left to clean up) until <see cref="Retire"/>. Other
    /// addresses of the name stay as previous machines to reset, unless there is nothing to do.
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

    public static IReadOnlyList<ManagedHost> Forget(IReadOnlyList<ManagedHost> inventory, string name, string address)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        return inventory.Where(h => h.Name != name || !SameAddress(h.Address, address)).ToList();
    }

    /// <summary>
    /// Drops <paramref name="role"/> once its removal finished on a host whose roles changed; with no
    /// cleanup left the entry takes the spec's roles, so they are later removed like any others.
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

    /// <summary>Lets the caller skip writing an unchanged file.</summary>
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
