using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>What the executor reports while it works: the CLI turns it into progress output.</summary>
public interface IExecutionObserver
{
    void RoundPlanned(int round, Plan plan);

    void StepStarted(PlanStep planStep);

    void StepSucceeded(PlanStep planStep, TimeSpan elapsed);

    void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed);
}

/// <summary>Reports nothing.</summary>
internal sealed class SilentObserver : IExecutionObserver
{
    public static readonly SilentObserver Instance = new();

    public void RoundPlanned(int round, Plan plan)
    {
    }

    public void StepStarted(PlanStep planStep)
    {
    }

    public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
    {
    }

    public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
    {
    }
}
