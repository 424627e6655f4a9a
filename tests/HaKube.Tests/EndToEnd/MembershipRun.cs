using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Manifests;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// One apply of a lab cluster's manifest, in-process (as `hakube apply` runs it), bounded in time,
/// that records the steps in the order they started; <see cref="OnStepStarted"/> lets a test act
/// at a chosen moment (power a host off mid-operation).
/// </summary>
internal sealed class MembershipRun : IExecutionObserver
{
    private readonly List<PlanStep> _started = [];

    /// <summary>Called (blocking the executor) when a step starts.</summary>
    public Action<PlanStep>? OnStepStarted { get; init; }

    public IReadOnlyList<PlanStep> Started
    {
        get
        {
            lock (_started)
            {
                return [.. _started];
            }
        }
    }

    /// <summary>"Kind host,host" per started step, in order.</summary>
    public IReadOnlyList<string> StartedRows => Started.Select(s => $"{s.Kind} {string.Join(",", s.Hosts)}").ToList();

    public static async Task<(ApplyResult Result, MembershipRun Run)> ApplyAsync(LabCluster cluster, TimeSpan limit, Action<PlanStep>? onStepStarted = null)
    {
        using var bound = new CancellationTokenSource(limit);
        await using var pool = new SshConnectionPool();
        var loaded = await ManifestFiles.LoadAsync([cluster.Manifest], bound.Token);
        if (loaded.Manifests.Count != 1)
        {
            throw new InvalidOperationException("the manifest does not load: " + string.Join("; ", loaded.Errors));
        }

        var session = await SessionFactory.CreateAsync(loaded.Manifests.Single(), pool, cluster.StateDir, bound.Token);
        var run = new MembershipRun { OnStepStarted = onStepStarted };
        var result = await new ApplyLoop(session, run).RunAsync(bound.Token);
        await TestContext.Out.WriteLineAsync($"apply: converged {result.Converged} after {result.Rounds} round(s), {result.StepsRun} step(s), {result.Timing.Elapsed.TotalSeconds:0.0} s; {result.Error}");
        await TestContext.Out.WriteLineAsync("  " + string.Join("\n  ", run.StartedRows));
        return (result, run);
    }

    public void RoundPlanned(int round, Plan plan)
    {
    }

    public void StepStarted(PlanStep planStep)
    {
        lock (_started)
        {
            _started.Add(planStep);
        }

        OnStepStarted?.Invoke(planStep);
    }

    public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
    {
    }

    public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed) =>
        TestContext.Out.WriteLine($"step failed: {planStep.Kind} [{string.Join(",", planStep.Hosts)}]: {failure.Message}");
}
