using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: a member host that left the spec (or stays in it without the Etcd role). Its member is removed through a healthy member
/// of the spec (etcd's runtime reconfiguration: remove first, then stop), then, where the last probe
/// reached the host, etcd is stopped and disabled there and its data directory moved aside (kept,
/// never deleted: started again it would try to rejoin a cluster that no longer lists it). The host
/// is forgotten by the inventory at the end (or its Etcd role retired, when it stays in the spec).
/// </summary>
public sealed class RemoveEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.RemoveEtcdMember;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.LeavingHost(name);
            if (planStep.ChangesEtcdMembership)
            {
                var through = HostRemoval.HealthyMember(context, Kind, name);
                await HostRemoval.RemoveMemberAsync(context, Kind, through, m => HostRemoval.IsMemberOf(m, host), name, cancellationToken);
            }

            await HostRemoval.StopEtcdAsync(context, Kind, name, cancellationToken);
            await HostRemoval.DoneAsync(context, name, HostRole.Etcd, cancellationToken);
        }
    }
}
