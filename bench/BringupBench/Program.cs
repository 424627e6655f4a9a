using System.Diagnostics;
using System.Globalization;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Manifests;

// Bring-up benchmark: one apply of a manifest on fresh hosts, the same ApplyLoop `hakube apply`
// runs, then a second plan that must be empty. Prints "name value unit" lines for bench/bringup.sh.
// Remote time is ApplyResult.Timing: the union of the intervals during which at least one SSH exec
// (probe, step command, upload, download) was running; overhead is the rest of the apply's wall time.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: BringupBench MANIFEST STATE_DIR");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
var loaded = await ManifestFiles.LoadAsync([args[0]], timeout.Token);
if (!loaded.Succeeded)
{
    foreach (var error in loaded.Errors)
    {
        await Console.Error.WriteLineAsync(error.ToString());
    }

    return 1;
}

var manifest = loaded.Manifests.Single();
await using var pool = new SshConnectionPool();
var session = await SessionFactory.CreateAsync(manifest, pool, args[1], timeout.Token);
var result = await new ApplyLoop(session, new Progress()).RunAsync(timeout.Token);
if (!result.Converged)
{
    await Console.Error.WriteLineAsync($"apply failed: {result.Error}");
    return 1;
}

var (_, _, after) = await new ClusterPipeline(session).PlanOnlyAsync(timeout.Token);
var timing = result.Timing;
Print("hosts", manifest.Cluster.Spec.Hosts.Count, "count");
Print("rounds", result.Rounds, "count");
Print("steps_run", result.StepsRun, "count");
Print("remote_commands", timing.RemoteCommands, "count");
Print("bringup_wall", timing.Elapsed.TotalSeconds, "s");
Print("remote_busy", timing.RemoteBusy.TotalSeconds, "s");
Print("orchestration_overhead", timing.Overhead.TotalSeconds, "s");
Print("orchestration_overhead_share", timing.OverheadShare * 100, "%");
Print("plan_after_apply_steps", after.Steps.Count, "count");
return after.IsConverged ? 0 : 1;

static void Print(string name, double value, string unit) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {value:0.###} {unit}"));

/// <summary>Progress on stderr, so stdout carries only the figures.</summary>
internal sealed class Progress : IExecutionObserver
{
    private readonly Stopwatch _since = Stopwatch.StartNew();

    public void RoundPlanned(int round, Plan plan) =>
        Write($"round {round}: {plan.Steps.Count} step(s), {plan.Refusals.Count} refused");

    public void StepStarted(PlanStep planStep)
    {
    }

    public void StepSucceeded(PlanStep planStep, TimeSpan elapsed) =>
        Write($"  ok {planStep.Kind} [{string.Join(", ", planStep.Hosts)}] {elapsed.TotalSeconds:0.00}s");

    public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed) =>
        Write($"  FAILED {planStep.Kind} [{string.Join(", ", planStep.Hosts)}]: {failure.Message}");

    private void Write(string line) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_since.Elapsed.TotalSeconds,7:0.00}s {line}"));
}
