using System.Diagnostics;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Reconciler.Manifests;

// Probe-cycle benchmark: one cold cycle (connections opened) and CYCLES warm cycles over the
// hosts of one manifest, printed as "name value unit" lines that bench/probe.sh reads.
if (args.Length != 2 || !int.TryParse(args[1], out var cycles) || cycles is < 1 or > 1000)
{
    await Console.Error.WriteLineAsync("usage: ProbeBench MANIFEST CYCLES(1-1000)");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
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
var (targets, key, _) = await ManifestSsh.LoadAsync(manifest, timeout.Token);
using var keyInUse = key;
await using var pool = new SshConnectionPool(new SshSettings { MaxParallelHosts = 64 });
var prober = new HostProber(pool);

var watch = Stopwatch.StartNew();
var cold = await prober.ProbeAsync(targets, timeout.Token);
var coldMs = watch.Elapsed.TotalMilliseconds;
var unreachable = cold.Count(f => !f.Reachable);
var connectsAfterCold = pool.TotalConnects;

var warm = new List<double>();
for (var i = 0; i < cycles; i++)
{
    watch.Restart();
    var facts = await prober.ProbeAsync(targets, timeout.Token);
    warm.Add(watch.Elapsed.TotalMilliseconds);
    unreachable += facts.Count(f => !f.Reachable);
}

warm.Sort();
Console.WriteLine($"hosts {targets.Count} count");
Console.WriteLine($"cold_cycle {coldMs:F1} ms");
Console.WriteLine($"warm_cycle_median {warm[warm.Count / 2]:F1} ms");
Console.WriteLine($"warm_cycle_p90 {warm[Math.Min(warm.Count - 1, (int)(warm.Count * 0.9))]:F1} ms");
Console.WriteLine($"warm_cycle_min {warm[0]:F1} ms");
Console.WriteLine($"new_connections_in_warm_cycles {pool.TotalConnects - connectsAfterCold} count");
Console.WriteLine($"unreachable_results {unreachable} count");
return unreachable == 0 ? 0 : 1;
