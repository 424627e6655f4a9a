using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>External etcd: removed through a healthy member first, then stopped, as etcd's runtime reconfiguration says.</summary>
internal sealed class RemoveEtcdMemberStep : IStep
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
