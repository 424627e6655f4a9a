using HaKube.Model.Api;

namespace HaKube.Model.Inventory;

/// <summary>Old roles to clean up first (in removal order) for a host that stays in the spec, or why the change is refused.</summary>
internal sealed record RoleChange(IReadOnlyList<HostRole> Retiring, string? Unsupported)
{
    public static readonly RoleChange None = new([], null);

    public bool IsNone => Retiring.Count == 0 && Unsupported is null;

    /// <summary>
    /// A control plane and a worker are each one kubeadm node: one becomes the other only through
    /// kubeadm reset and a new join, so the old role retires first. Refused: Worker added to or
    /// dropped from a host that stays a control plane (kubeadm sets the taint at join), and a reset
    /// on a host that ran an external etcd member (kubeadm reset empties the etcd data directory).
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
                ? "a control plane that stops being a Worker keeps running as it is: kubeadm sets the control-plane taint at join, and HaKube does not change it in place; " +
                    "taint the node yourself (kubectl taint node NAME node-role.kubernetes.io/control-plane:NoSchedule) and keep the Worker role in the spec, " +
                    "or remove the host from the spec, apply, and add it back"
                : "a control plane that becomes a Worker too keeps running as it is: kubeadm sets the control-plane taint at join, and HaKube does not change it in place; " +
                    "remove the taint yourself (kubectl taint node NAME node-role.kubernetes.io/control-plane:NoSchedule-) and leave Worker out of the spec, " +
                    "or remove the host from the spec, apply, and add it back");
        }

        if (Was(HostRole.Etcd) && retiring.Any(r => r is HostRole.Worker or HostRole.ControlPlane))
        {
            return new([], "it ran an external etcd member, and leaving the Worker or ControlPlane role means kubeadm reset there, which would take the etcd member's manifest and data with it; " +
                "remove the host from the spec, apply, and add it back with its new roles");
        }

        return retiring.Count == 0 ? None : new(retiring, null);
    }
}
