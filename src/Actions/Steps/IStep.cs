using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// One convergence action: idempotent, and it checks its post-condition on the host, throwing
/// <see cref="StepFailedException"/> if the host is not as promised.
/// </summary>
public interface IStep
{
    StepKind Kind { get; }

    Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken);
}
