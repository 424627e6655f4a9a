using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>Powers <paramref name="victim"/> off once, two seconds into its own upgrade step (packages or kubeadm upgrade node under way).</summary>
internal sealed class PowerOffDuringUpgrade(LabHosts lab, LabHost victim) : IExecutionObserver
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    public Task Done => _done.Task;

    public void RoundPlanned(int round, Plan plan)
    {
        if (plan.Steps.Count == 0)
        {
            _done.TrySetException(new InvalidOperationException($"round {round} planned nothing before {victim.Name} was upgraded: {string.Join("; ", plan.Refusals)}"));
        }
    }

    public void StepStarted(PlanStep planStep)
    {
        if (planStep.Kind == StepKind.UpgradeControlPlane && planStep.Hosts.Contains(victim.Name) && Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    await lab.PowerOffAsync(victim);
                    _done.TrySetResult();
                }
                catch (Exception e)
                {
                    _done.TrySetException(e);
                }
            });
        }
    }

    public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
    {
    }

    public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
    {
    }
}
