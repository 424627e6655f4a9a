using System.Collections.Concurrent;
using System.Diagnostics;
using HaKube.Model.Loading;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;

namespace HaKube.Tests.Reconciler.Daemon;

/// <summary>Manifests, folders and bounded waits for the daemon tests.</summary>
internal static class DaemonTestSupport
{
    /// <summary>A valid one-host manifest (its key file must exist next to it: see <see cref="NewManifestFolder"/>).</summary>
    public static string Manifest(string name, string address = "127.0.99.1", bool paused = false, string keys = "keys") => $"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {"{"}name: {name}{"}"}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {"{"}host: api.{name}.internal{"}"}
          networking: {"{"}cni: None{"}"}
          allowNonHighlyAvailable: true
          paused: {(paused ? "true" : "false")}
          ssh: {"{"}privateKeyFile: {keys}/id_ed25519, knownHostsFile: {keys}/known_hosts{"}"}
          hosts:
          - {"{"}name: cp1, address: {address}, roles: [ControlPlane]{"}"}

        """;

    /// <summary>A temporary manifest folder with keys/id_ed25519 and keys/known_hosts (validation checks only that it exists).</summary>
    public static string NewManifestFolder()
    {
        var folder = Directory.CreateTempSubdirectory("hakube-daemon-m-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "keys"));
        File.WriteAllText(Path.Combine(folder, "keys", "id_ed25519"), "not a key: these tests never connect\n");
        File.WriteAllText(Path.Combine(folder, "keys", "known_hosts"), "");
        return folder;
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms until true or <paramref name="timeout"/>; returns the last answer.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10);
        }

        return condition();
    }

    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }

    public static void DeleteQuietly(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Records every reconcile; answers a fixed status, or blocks until cancelled when told to.</summary>
internal sealed class RecordingReconciler : IClusterReconciler
{
    public ConcurrentQueue<(string Cluster, long At)> Calls { get; } = new();

    /// <summary>When set, a pass waits for cancellation and then reports it was interrupted during this.</summary>
    public string? BlockAndReportInterruptedDuring { get; set; }

    public int CallsFor(string cluster) => Calls.Count(c => c.Cluster == cluster);

    public async Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        Calls.Enqueue((manifest.Cluster.Metadata.Name, Stopwatch.GetTimestamp()));
        var status = new HaClusterStatus { Phase = ClusterPhase.Converging, ReadyHosts = "1/1" };
        if (BlockAndReportInterruptedDuring is { } where)
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new ReconcileInterruptedException(where, status, cancellationToken);
            }
        }

        return new ReconcileResult { Status = status };
    }
}
