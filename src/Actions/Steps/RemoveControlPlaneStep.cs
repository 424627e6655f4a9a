using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// A control plane leaving the spec (or the role), one at a time, after the load balancer stopped
/// sending clients to it. Its stacked etcd member is removed through a healthy spec member, so the
/// removal does not depend on the leaving host, which may be dead.
/// </summary>
internal sealed class RemoveControlPlaneStep : IStep
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
                ?? throw new StepFailedException(name, Kind, "find another control plane to drain through",
                    "no initialized control plane", ["no other control plane of the spec was reachable and initialized in the last probe"]);
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
