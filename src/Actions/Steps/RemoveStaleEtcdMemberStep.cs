using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>A member on no spec host, removed by ID; one that names a spec host and peers at its address never is.</summary>
internal sealed class RemoveStaleEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.RemoveStaleEtcdMember;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var through = context.Host(planStep.Hosts[0]);
        if (planStep.EtcdMemberId is not { } id)
        {
            throw new StepFailedException(through.Name, Kind, "remove a stale etcd member", "the plan names no member", ["a RemoveStaleEtcdMember step carries the member ID"]);
        }

        var members = context.Spec.EtcdMembers();
        await HostRemoval.RemoveMemberAsync(
            context,
            Kind,
            through,
            m => m.Id == id && !members.Any(h => h.Name == m.Name && m.PeerUrls.Any(u => HostRemoval.PeersAt(u, h.Address))),
            $"{id:x}",
            cancellationToken);
    }
}
