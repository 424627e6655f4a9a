using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>Workers leaving the spec (or the role), in parallel; at the drain timeout the removal goes on.</summary>
internal sealed class RemoveWorkerStep : IStep
{
    public StepKind Kind => StepKind.RemoveWorker;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var anchor = context.InitializedControlPlane()
            ?? throw new StepFailedException(planStep.Hosts[0], Kind, "find a control plane to drain through",
                "no initialized control plane", ["no control plane of the spec was reachable and initialized in the last probe"]);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            _ = context.LeavingHost(name);
            await HostRemoval.DrainAsync(context, Kind, anchor.Name, name, token);
            await HostRemoval.ResetAsync(context, Kind, name, token);
            await HostRemoval.DeleteNodeAsync(context, Kind, anchor.Name, name, token);
            await HostRemoval.DoneAsync(context, name, HostRole.Worker, token);
        }, cancellationToken);
    }
}
