using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// <c>hakube apply</c>: the pipeline with a round limit, until a plan is empty (converged), a step
/// fails, the planner can only refuse, a round repeats the last one's steps, or the limit is reached.
/// </summary>
public sealed class ApplyLoop(ClusterSession session, IExecutionObserver? observer = null)
{
    private readonly IExecutionObserver _observer = observer ?? SilentObserver.Instance;

    /// <summary>Upper bound on rounds: a cluster converges in about ten (each etcd member and control plane join is a round).</summary>
    public int MaxRounds { get; init; } = 20;

    public int MaxParallelHosts { get; init; } = 16;

    /// <summary>Where steps report what they skipped or gave up on (a drain that timed out, a reset that could not run).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    public async Task<ApplyResult> RunAsync(CancellationToken cancellationToken)
    {
        // Every SSH exec below (probes and steps) reports to this apply's clock; being async-local,
        // the setting ends with this method and never reaches another apply.
        var started = session.Time.GetTimestamp();
        var clock = new RemoteCommandClock(session.Time);
        RemoteCommandObserver.Current = clock.Enter;
        var result = await RunRoundsAsync(cancellationToken);
        var busy = clock.Busy;
        return result with { Timing = new ApplyTiming(session.Time.GetElapsedTime(started), busy, clock.Commands) };
    }

    /// <summary>
    /// Why apply gives up on an unconverged <paramref name="plan"/> instead of running its steps, or
    /// null to run them; <paramref name="previous"/> is the last round's steps (<see cref="Signature"/>).
    /// </summary>
    public static string? StopReason(Plan plan, IReadOnlyList<string>? previous)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Steps.Count == 0)
        {
            return "nothing can be done: " + string.Join("; ", plan.Refusals);
        }

        // Steps that succeeded yet leave the probe showing exactly the same need would loop for ever.
        var signature = Signature(plan);
        return previous is not null && previous.SequenceEqual(signature, StringComparer.Ordinal)
            ? "no progress: these steps ran and succeeded, yet the next probe shows the same need:\n  " + string.Join("\n  ", signature)
            : null;
    }

    /// <summary>A round's steps as the no-progress rule compares them.</summary>
    public static IReadOnlyList<string> Signature(Plan plan) => plan?.Steps.Select(s => s.ToString()).ToList() ?? throw new ArgumentNullException(nameof(plan));

    private async Task<ApplyResult> RunRoundsAsync(CancellationToken cancellationToken)
    {
        var pipeline = new ClusterPipeline(session, Logger, _observer) { MaxParallelHosts = MaxParallelHosts };
        var prepare = PassRules.Acts(session.Cluster.Spec, observeOnly: false);
        var stepsRun = 0;
        var plan = Plan.Empty;
        IReadOnlyList<string>? previous = null;
        for (var round = 1; round <= MaxRounds; round++)
        {
            var pass = await pipeline.PassAsync(prepare, cancellationToken);
            plan = pass.Plan;
            _observer.RoundPlanned(round, plan);
            if (plan.IsConverged)
            {
                return new ApplyResult(true, round, stepsRun, plan, null);
            }

            if (StopReason(plan, previous) is { } stop)
            {
                return new ApplyResult(false, round, stepsRun, plan, stop);
            }

            previous = Signature(plan);
            try
            {
                stepsRun += await pipeline.ExecuteAsync(pass, cancellationToken);
            }
            catch (Exception e) when (StepFailures.Is(e))
            {
                return new ApplyResult(false, round, stepsRun, plan, string.Join("\n", StepFailures.Messages(e)));
            }
        }

        return new ApplyResult(false, MaxRounds, stepsRun, plan, $"not converged after {MaxRounds} rounds");
    }
}
