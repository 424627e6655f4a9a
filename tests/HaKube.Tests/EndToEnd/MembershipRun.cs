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

    /// <summary>
    /// The watchers sample etcd from this test process, with a 1 s timeout per request, while the
    /// apply runs in the same process. SSH handshakes hold thread-pool threads while they wait, and
    /// on a 2-core machine the pool starts with 2 threads and grows about one per half second: the
    /// first probe of eight hosts then delays the watcher's answers past its timeout, and a healthy
    /// etcd looks lost for a sample. More threads up front keep the watcher measuring etcd, not
    /// this process. Returns the previous minimum, for <see cref="RestoreThreads"/>.
    /// </summary>
    public static (int Worker, int Io) ReserveThreads()
    {
        ThreadPool.GetMinThreads(out var worker, out var io);
        ThreadPool.SetMinThreads(Math.Max(worker, 64), Math.Max(io, 64));
        return (worker, io);
    }

    public static void RestoreThreads((int Worker, int Io) previous) => ThreadPool.SetMinThreads(previous.Worker, previous.Io);

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

        var (session, key) = await SessionFactory.CreateAsync(loaded.Manifests.Single(), pool, cluster.StateDir, bound.Token);
        using var keyInUse = key;
        var run = new MembershipRun { OnStepStarted = onStepStarted };
        var result = await new ApplyLoop(session, PlannerProvider.Default, run).RunAsync(bound.Token);
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
