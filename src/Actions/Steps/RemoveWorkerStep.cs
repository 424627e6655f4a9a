using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Workers that left the spec (or stay in it as another kind of node), in parallel: each is
/// cordoned and drained through an initialized control plane (bounded by
/// <see cref="StepContext.DrainTimeout"/>; at the timeout the removal goes on), reset with kubeadm
/// reset -f where the last probe reached it, its Node deleted, and the host forgotten by the
/// inventory (or its Worker role retired there). Ends when kube-apiserver no longer has the Node.
/// </summary>
public sealed class RemoveWorkerStep : IStep
{
    public StepKind Kind => StepKind.RemoveWorker;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var anchor = context.InitializedControlPlane()
            ?? throw new StepFailedException(planStep.Hosts[0], Kind, "find a control plane to drain through", "no initialized control plane", ["no control plane of the spec was reachable and initialized in the last probe"]);
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
