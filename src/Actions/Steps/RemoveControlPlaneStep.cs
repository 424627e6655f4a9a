using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// A control plane that left the spec (or stays in it without that role), one at a time. The planner puts it after the load balancer
/// was reconfigured from the spec, so no client is sent to it any more. It is drained through
/// another control plane; with stacked etcd its member is removed through a healthy member of the
/// spec (so the removal does not depend on the leaving host, which may be dead); then kubeadm reset
/// -f where the last probe reached it; then its Node deleted and the host forgotten (or its
/// ControlPlane role retired, when it stays in the spec).
/// </summary>
public sealed class RemoveControlPlaneStep : IStep
{
    public StepKind Kind => StepKind.RemoveControlPlane;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.LeavingHost(name);
            var anchor = context.InitializedControlPlane(except: name)
                ?? throw new StepFailedException(name, Kind, "find another control plane to drain through", "no initialized control plane", ["no other control plane of the spec was reachable and initialized in the last probe"]);
            await HostRemoval.DrainAsync(context, Kind, anchor.Name, name, cancellationToken);
            if (context.Spec.Etcd.Topology == EtcdTopology.Stacked)
            {
                var through = HostRemoval.HealthyMember(context, Kind, name);
                await HostRemoval.RemoveMemberAsync(context, Kind, through, m => HostRemoval.IsMemberOf(m, host), name, cancellationToken);
            }

            await HostRemoval.ResetAsync(context, Kind, name, cancellationToken);
            await HostRemoval.DeleteNodeAsync(context, Kind, anchor.Name, name, cancellationToken);
            await HostRemoval.DoneAsync(context, name, HostRole.ControlPlane, cancellationToken);
        }
    }
}
