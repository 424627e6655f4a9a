using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>
/// What it takes for a host that stays in the spec to go from the roles HaKube set it up for to the
/// roles the spec gives it now: the old roles to clean up first (behind the same guards as a
/// removal of that role), or why the change is not made in place.
/// </summary>
/// <param name="Retiring">Old roles whose removal runs on the host before its new roles are set up, in the order HaKube removes them.</param>
/// <param name="Unsupported">Why the change is refused (nothing is done on the host for it); null when it is supported.</param>
public sealed record RoleChange(IReadOnlyList<HostRole> Retiring, string? Unsupported)
{
    public static readonly RoleChange None = new([], null);

    /// <summary>Nothing to clean up and nothing refused: the host's roles are set up as for a new host.</summary>
    public bool IsNone => Retiring.Count == 0 && Unsupported is null;

    /// <summary>
    /// The change from <paramref name="setUp"/> (the roles in the inventory) to <paramref name="wanted"/>
    /// (the spec's). A control plane or a worker node is one kubeadm node: it becomes the other kind
    /// only through kubeadm reset and a new join, so a worker node that becomes a control plane
    /// retires Worker (RemoveWorker, then JoinControlPlane), and a control plane that stops being one
    /// retires ControlPlane (RemoveControlPlane, with its stacked etcd member behind the quorum guard,
    /// then JoinWorker when it is a worker now). LoadBalancer and Etcd retire when they are dropped.
    /// Refused: Worker added to or dropped from a host that stays a control plane (the control-plane
    /// taint is kubeadm's, set at join), and a reset (Worker or ControlPlane retiring) on a host that
    /// ran an external etcd member (kubeadm reset reads the node's etcd manifest and empties its data
    /// directory).
    /// </summary>
    public static RoleChange Between(IReadOnlyList<HostRole> setUp, IReadOnlyList<HostRole> wanted)
    {
        ArgumentNullException.ThrowIfNull(setUp);
        ArgumentNullException.ThrowIfNull(wanted);
        bool Was(HostRole r) => setUp.Contains(r);
        bool Is(HostRole r) => wanted.Contains(r);
        var retiring = new List<HostRole>();
        if (Was(HostRole.LoadBalancer) && !Is(HostRole.LoadBalancer))
        {
            retiring.Add(HostRole.LoadBalancer);
        }

        if (Was(HostRole.ControlPlane) && !Is(HostRole.ControlPlane))
        {
            retiring.Add(HostRole.ControlPlane);
        }
        else if (Was(HostRole.Worker) && !Was(HostRole.ControlPlane) && (!Is(HostRole.Worker) || Is(HostRole.ControlPlane)))
        {
            retiring.Add(HostRole.Worker);
        }

        if (Was(HostRole.Etcd) && !Is(HostRole.Etcd))
        {
            retiring.Add(HostRole.Etcd);
        }

        if (Was(HostRole.ControlPlane) && Is(HostRole.ControlPlane) && Was(HostRole.Worker) != Is(HostRole.Worker))
        {
            return new([], Was(HostRole.Worker)
                ? "a control plane that stops being a Worker keeps running as it is: kubeadm sets the control-plane taint at join, and HaKube does not change it in place; taint the node yourself (kubectl taint node NAME node-role.kubernetes.io/control-plane:NoSchedule) and keep the Worker role in the spec, or remove the host from the spec, apply, and add it back"
                : "a control plane that becomes a Worker too keeps running as it is: kubeadm sets the control-plane taint at join, and HaKube does not change it in place; remove the taint yourself (kubectl taint node NAME node-role.kubernetes.io/control-plane:NoSchedule-) and leave Worker out of the spec, or remove the host from the spec, apply, and add it back");
        }

        if (Was(HostRole.Etcd) && retiring.Any(r => r is HostRole.Worker or HostRole.ControlPlane))
        {
            return new([], "it ran an external etcd member, and leaving the Worker or ControlPlane role means kubeadm reset there, which would take the etcd member's manifest and data with it; remove the host from the spec, apply, and add it back with its new roles");
        }

        return retiring.Count == 0 ? None : new(retiring, null);
    }
}
