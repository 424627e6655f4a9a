using HaKube.Actions.Steps;
using HaKube.Model.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// Runs a plan's steps in order, a wave of same-kind steps at a time. It stops early, so the caller probes
/// and plans again, after a step that changes what later steps depend on; a failed step stops the run.
/// </summary>
internal sealed class PlanExecutor(ClusterSession session, IExecutionObserver? observer = null, ILogger? logger = null)
{
    private static readonly HashSet<StepKind> ReplanAfter =
        [StepKind.BootstrapEtcd, StepKind.AddEtcdMember, StepKind.MigrateEtcdMember, StepKind.InitControlPlane, StepKind.JoinControlPlane, StepKind.RemoveControlPlane];

    private readonly IExecutionObserver _observer = observer ?? SilentObserver.Instance;

    /// <summary>How many hosts of one step run at once.</summary>
    public int MaxParallelHosts { get; init; } = 16;

    /// <summary>How a step runs: its step class; tests put a fake here.</summary>
    public Func<StepContext, PlanStep, CancellationToken, Task> RunStep { get; init; } = (context, step, cancellationToken) =>
        StepCatalog.For(step.Kind).RunAsync(context, step, cancellationToken);

    /// <summary>Runs steps until the plan ends or a re-plan is due; returns how many steps ran.</summary>
    /// <exception cref="StepFailedException">A step failed (or <see cref="AggregateException"/> of them when several hosts failed).</exception>
    public async Task<int> RunAsync(Plan plan, Observation observed, ClusterMaterial material, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(observed);
        var context = new StepContext
        {
            Cluster = session.Cluster,
            Material = material,
            Store = session.Store,
            Facts = observed.Facts.ToDictionary(f => f.Host, StringComparer.Ordinal),
            Connect = session.Connector(observed.Scope),
            Time = session.Time,
            MaxParallelHosts = MaxParallelHosts,
            Departing = observed.Scope.Departing,
            Logger = logger ?? NullLogger.Instance,
        };
        var ran = 0;
        foreach (var steps in plan.Waves)
        {
            var all = Task.WhenAll(steps.Select(step => RunStepAsync(context, step, cancellationToken)));
            try
            {
                await all;
            }
            catch when (all.Exception is { InnerExceptions.Count: > 1 } several)
            {
                // await rethrows only the first failure; every step that failed must reach the report.
                throw several.Flatten();
            }

            ran += steps.Count;
            if (steps.Any(step => step.ChangesEtcdMembership || ReplanAfter.Contains(step.Kind)))
            {
                break;
            }
        }

        return ran;
    }

    private async Task RunStepAsync(StepContext context, PlanStep step, CancellationToken cancellationToken)
    {
        var started = session.Time.GetTimestamp();
        _observer.StepStarted(step);
        try
        {
            await RunStep(context, step, cancellationToken);
        }
        catch (Exception e) when (StepFailures.Is(e))
        {
            _observer.StepFailed(step, e, session.Time.GetElapsedTime(started));
            throw;
        }

        _observer.StepSucceeded(step, session.Time.GetElapsedTime(started));
    }
}
