using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// The rules of the inventory of managed hosts, pure: which hosts are departing (remembered, no
/// longer in the spec), and how a reconcile updates the memory. A host enters when it is in the
/// spec and was reached; it leaves only once its removal step finished (see <see cref="Forget"/>),
/// so a host that is unreachable when it leaves the spec is still removed from etcd and Kubernetes.
/// </summary>
public static class ClusterInventory
{
    /// <summary>Remembered hosts whose name is no longer in the spec, in inventory order.</summary>
    public static IReadOnlyList<ManagedHost> Departing(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        var names = spec.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        return inventory.Where(h => !names.Contains(h.Name)).ToList();
    }

    /// <summary>
    /// The inventory after a probe: every reached spec host recorded as the spec has it now (new
    /// address, roles and keys replace the old entry of that name); unreached spec hosts and
    /// departing hosts kept as they were - load balancers too, since RemoveLoadBalancer stops HAProxy
    /// on them and forgets them only then.
    /// </summary>
    public static IReadOnlyList<ManagedHost> Remember(IReadOnlyList<ManagedHost> inventory, HaClusterSpec spec, IEnumerable<ManagedHost> reached)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(reached);
        var names = spec.Hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var result = inventory.ToList();
        foreach (var host in reached.Where(h => names.Contains(h.Name)))
        {
            var at = result.FindIndex(h => h.Name == host.Name);
            if (at < 0)
            {
                result.Add(host);
            }
            else
            {
                result[at] = host;
            }
        }

        return result;
    }

    /// <summary>The inventory without <paramref name="name"/>: its removal is done.</summary>
    public static IReadOnlyList<ManagedHost> Forget(IReadOnlyList<ManagedHost> inventory, string name)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        return inventory.Where(h => h.Name != name).ToList();
    }

    /// <summary>Whether two inventories say the same (to skip writing an unchanged file).</summary>
    public static bool Same(IReadOnlyList<ManagedHost> a, IReadOnlyList<ManagedHost> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Count == b.Count && a.Zip(b).All(p => p.First.Equivalent(p.Second));
    }
}
