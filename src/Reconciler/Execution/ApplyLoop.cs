using HaKube.Actions.Ssh;
using HaKube.Actions.Steps;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// apply: probe, compute the desired state, plan, and run, round after round, until a plan is
/// empty (converged), a step fails, the planner can only refuse, or the round limit is reached.
/// </summary>
public sealed class ApplyLoop(ClusterSession session, IPlanner planner, IExecutionObserver? observer = null)
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

    private async Task<ApplyResult> RunRoundsAsync(CancellationToken cancellationToken)
    {
        var executor = new PlanExecutor(session, _observer, Logger) { MaxParallelHosts = MaxParallelHosts };
        var stepsRun = 0;
        var plan = Plan.Empty;
        List<string>? previous = null;
        for (var round = 1; round <= MaxRounds; round++)
        {
            var (facts, material, current) = await ProbeAndPlanAsync(remember: true, cancellationToken);
            plan = current;
            _observer.RoundPlanned(round, plan);
            if (plan.IsConverged)
            {
                return new ApplyResult(true, round, stepsRun, plan, null);
            }

            if (plan.Steps.Count == 0)
            {
                return new ApplyResult(false, round, stepsRun, plan, "nothing can be done: " + string.Join("; ", plan.Refusals));
            }

            // Steps that succeeded yet leave the probe showing exactly the same need would loop for ever:
            // say which ones, instead of spending every round on them.
            var signature = plan.Steps.Select(s => s.ToString()).ToList();
            if (previous is not null && previous.SequenceEqual(signature, StringComparer.Ordinal))
            {
                return new ApplyResult(false, round, stepsRun, plan, "no progress: these steps ran and succeeded, yet the next probe shows the same need:\n  " + string.Join("\n  ", signature));
            }

            previous = signature;

            try
            {
                stepsRun += await executor.RunAsync(plan, facts, material, cancellationToken);
            }
            catch (StepFailedException e)
            {
                return new ApplyResult(false, round, stepsRun, plan, e.Message);
            }
            catch (AggregateException e)
            {
                return new ApplyResult(false, round, stepsRun, plan, string.Join("\n", e.InnerExceptions.Select(x => x.Message)));
            }
        }

        return new ApplyResult(false, MaxRounds, stepsRun, plan, $"not converged after {MaxRounds} rounds");
    }

    /// <summary>One probe and plan, as <c>hakube plan</c> shows it: read-only, the inventory is left as it is.</summary>
    public Task<(IReadOnlyList<HostFacts> Facts, ClusterMaterial Material, Plan Plan)> PlanOnceAsync(CancellationToken cancellationToken) =>
        ProbeAndPlanAsync(remember: false, cancellationToken);

    /// <summary>Probe (remembering the reached spec hosts in the inventory only when <paramref name="remember"/>: a run that acts on them), then plan.</summary>
    private async Task<(IReadOnlyList<HostFacts> Facts, ClusterMaterial Material, Plan Plan)> ProbeAndPlanAsync(bool remember, CancellationToken cancellationToken)
    {
        var facts = remember ? await session.ProbeAsync(cancellationToken) : await session.ObserveAsync(cancellationToken);
        var endpoint = await session.ObserveEndpointAsync(cancellationToken);
        var (material, desired) = await session.DesiredAsync(facts, cancellationToken);
        return (facts, material, planner.Plan(session.Cluster, facts, desired, endpoint, session.Departing, session.SetUpRoles));
    }
}
