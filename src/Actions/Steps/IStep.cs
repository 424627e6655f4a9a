using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// One convergence action. Running it when its work is already done changes nothing (idempotent);
/// after running, it checks its post-condition on the host and throws
/// <see cref="StepFailedException"/> if the host is not as the step promised.
/// </summary>
public interface IStep
{
    StepKind Kind { get; }

    /// <summary>Runs the step on every host of <paramref name="planStep"/> (in parallel where the step allows).</summary>
    Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken);
}
