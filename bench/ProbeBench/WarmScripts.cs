using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Reconciler.Manifests;

namespace HaKube.Bench;

/// <summary>
/// Writes OUTDIR/CLUSTER/HOST.sh (the probe script of a warm pass, the first control plane's with
/// the Node listing the daemon asks of it) and OUTDIR/CLUSTER/hosts
/// ("name address" lines) for every manifest under a path, after one probe of each cluster has
/// learnt the hosts' binary versions, as the daemon's first pass does.
/// </summary>
internal static class WarmScripts
{
    public static async Task<int> WriteAsync(string source, string outDir)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var loaded = await ManifestFiles.LoadAsync([source], timeout.Token);
        if (!loaded.Succeeded)
        {
            foreach (var error in loaded.Errors)
            {
                await Console.Error.WriteLineAsync(error.ToString());
            }

            return 1;
        }

        await using var pool = new SshConnectionPool(new SshSettings { MaxParallelHosts = 64 });
        var prober = new HostProber(pool);
        foreach (var manifest in loaded.Manifests)
        {
            var (targets, key, _) = await ManifestSsh.LoadAsync(manifest, timeout.Token);
            using var keyInUse = key;
            // As the daemon's pass: its first control plane also lists the Nodes (ClusterSession.NodeLister).
            var lister = manifest.Cluster.Spec.ControlPlanes().Select(h => h.Name).FirstOrDefault();
            var facts = await prober.ProbeAsync(targets, timeout.Token, lister);
            if (facts.FirstOrDefault(f => !f.Reachable) is { } down)
            {
                await Console.Error.WriteLineAsync($"{down.Host}: {down.Error}");
                return 1;
            }

            var folder = Directory.CreateDirectory(Path.Combine(outDir, manifest.Cluster.Metadata.Name)).FullName;
            foreach (var target in targets)
            {
                // The prober's own inputs, its version cache now warm: the script the daemon's next pass sends.
                var script = ProbeScript.Render(prober.InputsFor(target, target.Name == lister));
                await File.WriteAllTextAsync(Path.Combine(folder, target.Name + ".sh"), script, timeout.Token);
            }

            await File.WriteAllLinesAsync(Path.Combine(folder, "hosts"), targets.Select(t => $"{t.Name} {t.Endpoint.Address}"), timeout.Token);
        }

        return 0;
    }
}
