using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>One idempotent convergence action that checks its post-condition, throwing <see cref="StepFailedException"/>.</summary>
public interface IStep
{
    StepKind Kind { get; }

    Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken);
}
