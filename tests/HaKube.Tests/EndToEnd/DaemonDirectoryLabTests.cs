using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Tests.Lab;
using HaKube.Tests.Reconciler.Daemon;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Directory mode converging clusters by itself: two manifests in one directory (each a stacked
/// control plane with one worker, the control plane's own address as an External endpoint), the
/// real daemon loop in-process, not a dry run. The test only reads status files and the hosts'
/// files; every change to a host is the daemon's, except the drift the tests introduce by hand.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(11)]
[SupportedOSPlatform("linux")]
public sealed partial class DaemonDirectoryLabTests() : LabHostsFixture(5, new LabOptions("hkdd", "127.0.95"))
{
    private static readonly TimeSpan BringUp = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(3);
    private string _manifests = "";
    private string _state = "";
    private StatusWriter? _statuses;

    private StatusWriter Statuses => _statuses ?? throw new InvalidOperationException("daemon not started");

    private LabHost ControlPlaneA => Lab.Hosts[0];

    private LabHost WorkerA => Lab.Hosts[1];

    private LabHost ControlPlaneB => Lab.Hosts[2];

    private LabHost WorkerB => Lab.Hosts[3];

    // Not in any manifest at first: added to A's file by hand while the daemon runs.
    private LabHost NewWorkerA => Lab.Hosts[4];

    private string ManifestA => Path.Combine(_manifests, "a", "cluster.yaml");

    protected override async Task StartAsync()
    {
        await base.StartAsync();
        _manifests = OwnTempFolder("hakube-ddl-m-");
        _state = OwnTempFolder("hakube-ddl-s-");
        await LabManifest.WriteAsync(Lab, Path.Combine(_manifests, "a"), Manifest("dd-a", ControlPlaneA, WorkerA));
        await LabManifest.WriteAsync(Lab, Path.Combine(_manifests, "b"), Manifest("dd-b", ControlPlaneB, WorkerB));
        await Lab.PowerOffAsync(WorkerB);

        var options = new DaemonOptions
        {
            ManifestsDirectory = _manifests,
            StateDirectory = _state,
            Resync = Resync,
            ObserveOnly = false,
        };
        _statuses = new StatusWriter(_state);
        Own(await DirectoryDaemon.StartAsync(options));
    }

    [Test, Order(1)]
    public async Task Run_TwoManifests_ClusterAReachesReadyWithBothNodes()
    {
        var ready = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-a") is { Status.Phase: ClusterPhase.Ready }, BringUp);
        var status = await StatusAsync("dd-a");
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlaneA);

        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.True, Describe(status));
            Assert.That(status!.Status.Hosts.Select(h => h.Name), Is.EquivalentTo(new[] { ControlPlaneA.Name, WorkerA.Name }));
            Assert.That(status.Status.Hosts.Select(h => h.Reachable), Has.All.True);
            Assert.That(status.Status.Plan, Is.Empty);
            Assert.That(status.Errors, Is.Empty);
            Assert.That(nodes, Is.EquivalentTo(new[] { ControlPlaneA.Name, WorkerA.Name }));
        });
    }

    [Test, Order(2)]
    public async Task Run_WorkerPoweredOff_StatusNamesItUnreachableWhileTheControlPlaneConverges()
    {
        var initialised = await DaemonTestSupport.EventuallyAsync(() => File.Exists(ControlPlaneB.PathOnMachine("/etc/kubernetes/admin.conf")), Bound);
        var named = await DaemonTestSupport.EventuallyAsync(
            async () => await StatusAsync("dd-b") is { } d && d.Status.Hosts.Any(h => h.Name == WorkerB.Name && !h.Reachable),
            Bound);
        var status = await StatusAsync("dd-b");

        Assert.Multiple(() =>
        {
            Assert.That(initialised, Is.True, "the daemon ran kubeadm init on B's control plane: " + Describe(status));
            Assert.That(named, Is.True, Describe(status));
            Assert.That(status!.Status.Phase, Is.Not.EqualTo(ClusterPhase.Ready));
            Assert.That(status.Status.Hosts.Single(h => h.Name == ControlPlaneB.Name).Reachable, Is.True);
            Assert.That(Conditions.Get(status.Status.Conditions, ConditionTypes.HostsReachable)?.Status, Is.EqualTo(ConditionStatus.False));
            Assert.That(Conditions.Get(status.Status.Conditions, ConditionTypes.HostsReachable)?.Message, Does.Contain(WorkerB.Name));
        });
    }

    [Test, Order(3)]
    public async Task Run_WorkerPoweredOn_ClusterBReachesReady()
    {
        await Lab.PowerOnAsync(WorkerB);

        var ready = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-b") is { Status.Phase: ClusterPhase.Ready }, BringUp);
        var status = await StatusAsync("dd-b");
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlaneB);

        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.True, Describe(status));
            Assert.That(status!.Status.Hosts.Select(h => h.Reachable), Has.All.True);
            Assert.That(nodes, Is.EquivalentTo(new[] { ControlPlaneB.Name, WorkerB.Name }));
        });
    }

    [Test, Order(4)]
    public async Task Run_DriftOnA_IsRepairedByTheDaemonAlone()
    {
        var file = ControlPlaneA.PathOnMachine("/etc/kubernetes/pki/front-proxy-ca.crt");
        var original = await File.ReadAllBytesAsync(file);
        File.Delete(file);
        var watch = Stopwatch.StartNew();

        var repaired = await DaemonTestSupport.EventuallyAsync(() => File.Exists(file), Bound);
        var took = watch.Elapsed;
        var ready = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-a") is { Status.Phase: ClusterPhase.Ready }, Bound);
        var status = await StatusAsync("dd-a");

        Assert.Multiple(() =>
        {
            Assert.That(repaired, Is.True, "the daemon put the front-proxy CA back: " + Describe(status));
            Assert.That(took, Is.LessThan(Resync * 10), "within a few resyncs");
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(original), "the same CA from the state store, not a new one");
            Assert.That(ready, Is.True, Describe(status));
        });
    }

    [Test, Order(5)]
    public async Task Run_WorkerAddedToTheFile_JoinsClusterA()
    {
        var text = await File.ReadAllTextAsync(ManifestA);
        await File.WriteAllTextAsync(ManifestA, text.TrimEnd('\n') + $"\n  - {{name: {NewWorkerA.Name}, address: \"{NewWorkerA.Address}\", roles: [Worker]}}\n");

        var joined = await DaemonTestSupport.EventuallyAsync(
            async () => await StatusAsync("dd-a") is { Status.Phase: ClusterPhase.Ready } d && d.Status.Hosts.Any(h => h.Name == NewWorkerA.Name),
            BringUp);
        var status = await StatusAsync("dd-a");
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlaneA);

        Assert.Multiple(() =>
        {
            Assert.That(joined, Is.True, Describe(status));
            Assert.That(nodes, Is.EquivalentTo(new[] { ControlPlaneA.Name, WorkerA.Name, NewWorkerA.Name }));
        });
    }

    [Test, Order(6)]
    public async Task Run_ManifestAInvalid_LocatedErrorInStatusNoSessionOnAAndBStillReconciled()
    {
        var text = await File.ReadAllTextAsync(ManifestA);
        await File.WriteAllTextAsync(ManifestA, text.Replace("  allowNonHighlyAvailable: true\n", "  allowNonHighlyAvailable: true\n  bogusField: 1\n", StringComparison.Ordinal));

        var failed = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-a") is { Errors.Count: > 0 }, Bound);
        var status = await StatusAsync("dd-a");
        var sessionsBefore = new[] { ControlPlaneA, WorkerA, NewWorkerA }.Select(LabHosts.CountSessions).ToList();
        var bBefore = (await StatusAsync("dd-b"))?.UpdatedAt;
        await Task.Delay(Resync * 3);
        var bAdvanced = await DaemonTestSupport.EventuallyAsync(async () => (await StatusAsync("dd-b"))?.UpdatedAt > bBefore, Bound);
        var sessionsAfter = new[] { ControlPlaneA, WorkerA, NewWorkerA }.Select(LabHosts.CountSessions).ToList();
        var b = await StatusAsync("dd-b");

        Assert.Multiple(() =>
        {
            Assert.That(failed, Is.True, Describe(status));
            Assert.That(status!.Status.Phase, Is.EqualTo(ClusterPhase.Failed));
            Assert.That(status.Errors, Has.Some.Matches<string>(e => LocatedError().IsMatch(e) && e.Contains("bogusField", StringComparison.Ordinal)), string.Join("\n", status.Errors));
            Assert.That(Conditions.Get(status.Status.Conditions, ConditionTypes.Ready)?.Reason, Is.EqualTo(ConditionReasons.InvalidManifest));
            Assert.That(sessionsBefore, Has.All.Positive, "the daemon did open sessions on A's hosts before (the count is not vacuous)");
            Assert.That(sessionsAfter, Is.EqualTo(sessionsBefore), "no SSH session on A's hosts while its manifest is invalid");
            Assert.That(bAdvanced, Is.True, "B keeps being reconciled");
            Assert.That(b!.Status.Phase, Is.EqualTo(ClusterPhase.Ready), Describe(b));
        });
    }

    [Test, Order(7)]
    public async Task Run_StackedEtcdStoppedOnB_IsRestartedByTheDaemonAlone()
    {
        // By hand, as an operator or a crash would: the kubelet stopped, then the etcd static pod's
        // process killed. Nothing on the host restarts either (the systemctl stand-in does not
        // restart a stopped unit; only the kubelet runs static pods), so only HaKube can. A pass
        // may already repair it while this script still waits for etcd to exit, so what proves the
        // stop is the kubelet found inactive at the end and a new etcd process afterwards.
        var stopped = await Lab.ShellAsync(ControlPlaneB, $$"""
            set -eu
            systemctl stop kubelet
            pid=$({{EtcdPodPid}})
            kill -TERM -- "-$pid"
            for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            ! kill -0 "$pid" 2>/dev/null
            ! systemctl is-active -q kubelet
            echo "$pid"
            """);
        var watch = Stopwatch.StartNew();

        var repaired = await DaemonTestSupport.EventuallyAsync(async () => (await ClusterChecks.EtcdAsync(Lab, ControlPlaneB, [ControlPlaneB])).Healthy, Bound);
        var took = watch.Elapsed;
        TestContext.Out.WriteLine($"stacked etcd on {ControlPlaneB.Name} healthy again {took.TotalSeconds:F1} s after it was stopped (resync {Resync.TotalSeconds} s)");
        var ready = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-b") is { Status.Phase: ClusterPhase.Ready }, Bound);
        var status = await StatusAsync("dd-b");
        var kubelet = await Lab.ShellAsync(ControlPlaneB, "systemctl is-active kubelet");
        var newPid = await Lab.ShellAsync(ControlPlaneB, EtcdPodPid);

        Assert.Multiple(() =>
        {
            Assert.That(stopped.Succeeded, Is.True, "etcd and the kubelet were stopped: " + stopped.StandardError);
            Assert.That(repaired, Is.True, "the daemon started the kubelet, which ran the etcd static pod again: " + Describe(status));
            Assert.That(took, Is.LessThan(Resync * 10), "within a few resyncs");
            Assert.That(kubelet.StandardOutput.Trim(), Is.EqualTo("active"), "started again, and only HaKube starts it");
            Assert.That(newPid.StandardOutput.Trim(), Is.Not.Empty.And.Not.EqualTo(stopped.StandardOutput.Trim()), "a new etcd process");
            Assert.That(ready, Is.True, Describe(status));
            Assert.That(Conditions.Get(status!.Status.Conditions, ConditionTypes.EtcdHealthy)?.Status, Is.EqualTo(ConditionStatus.True));
        });
    }

    [Test, Order(8)]
    public async Task Run_ConvergedBPaused_PhasePausedWithReadyTrueThenReadyWhenResumed()
    {
        var manifestB = Path.Combine(_manifests, "b", "cluster.yaml");
        var text = await File.ReadAllTextAsync(manifestB);
        await File.WriteAllTextAsync(manifestB, text.Replace("  allowNonHighlyAvailable: true\n", "  allowNonHighlyAvailable: true\n  paused: true\n", StringComparison.Ordinal));

        var paused = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-b") is { Status.Phase: ClusterPhase.Paused }, Bound);
        var whilePaused = await StatusAsync("dd-b");
        await File.WriteAllTextAsync(manifestB, text);
        var resumed = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-b") is { Status.Phase: ClusterPhase.Ready }, Bound);

        Assert.Multiple(() =>
        {
            Assert.That(paused, Is.True, Describe(whilePaused));
            Assert.That(Conditions.Get(whilePaused!.Status.Conditions, ConditionTypes.Paused)?.Reason, Is.EqualTo(ConditionReasons.PausedBySpec));
            Assert.That(Conditions.Get(whilePaused.Status.Conditions, ConditionTypes.Ready)?.Status, Is.EqualTo(ConditionStatus.True), "the hosts still match the manifest");
            Assert.That(resumed, Is.True, "Ready again once spec.paused is gone");
        });
    }

    // "The state directory" here is each cluster's store, STATE/clusters/NAME (inventory, authorities,
    // certificates): what Prepare writes. The daemon's own status files and leader lock are outside it.
    [Test, Order(9)]
    public async Task Run_PausedWithAReachableHostAdded_LeavesTheClusterStoreByteIdentical()
    {
        var manifestB = Path.Combine(_manifests, "b", "cluster.yaml");
        var text = await File.ReadAllTextAsync(manifestB);
        // WorkerA answers the probe: a pass that wrote would remember it in B's inventory (and later remove it from A).
        var pausedWithExtraHost = text.Replace("  allowNonHighlyAvailable: true\n", "  allowNonHighlyAvailable: true\n  paused: true\n", StringComparison.Ordinal)
            + $"  - {{name: {WorkerA.Name}, address: \"{WorkerA.Address}\", roles: [Worker]}}\n";
        await File.WriteAllTextAsync(manifestB, pausedWithExtraHost);
        var paused = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-b") is { Status.Phase: ClusterPhase.Paused }, Bound);
        var before = StoreHashes(_state, "dd-b");

        var passes = await PassesAsync(Statuses, "dd-b", 3);
        var after = StoreHashes(_state, "dd-b");
        var status = await StatusAsync("dd-b");
        await File.WriteAllTextAsync(manifestB, text);
        var resumed = await DaemonTestSupport.EventuallyAsync(async () => await StatusAsync("dd-b") is { Status.Phase: ClusterPhase.Ready }, Bound);

        Assert.Multiple(() =>
        {
            Assert.That(paused && passes, Is.True, Describe(status));
            Assert.That(status!.Status.Hosts.Single(h => h.Name == WorkerA.Name).Reachable, Is.True, "the added host was probed");
            Assert.That(after, Is.EqualTo(before), "a paused pass writes nothing to the cluster's store");
            Assert.That(resumed, Is.True, Describe(status));
        });
    }

    [Test, Order(10)]
    public async Task Run_DryRunDaemon_LeavesTheClusterStoresByteIdentical()
    {
        // A second daemon, --dry-run, on a copy of the stores with B's inventory gone: a writing pass would write it anew.
        // (A's manifest was left invalid by an earlier test: its store is hashed too, though no pass plans it.)
        var dry = Directory.CreateTempSubdirectory("hakube-ddl-dry-").FullName;
        try
        {
            foreach (var cluster in new[] { "dd-a", "dd-b" })
            {
                CopyFolder(Path.Combine(_state, "clusters", cluster), Path.Combine(dry, "clusters", cluster));
            }

            File.Delete(Path.Combine(dry, "clusters", "dd-b", "inventory.json"));
            var before = new[] { StoreHashes(dry, "dd-a"), StoreHashes(dry, "dd-b") };
            var options = new DaemonOptions { ManifestsDirectory = _manifests, StateDirectory = dry, Resync = Resync, ObserveOnly = true };
            var daemon = await DirectoryDaemon.StartAsync(options);
            bool passes;
            try
            {
                passes = await PassesAsync(daemon.Loop.Statuses, "dd-b", 3);
            }
            finally
            {
                await daemon.DisposeAsync();
            }

            var status = await new StatusWriter(dry).ReadAsync("dd-b", CancellationToken.None);
            Assert.Multiple(() =>
            {
                Assert.That(passes, Is.True, Describe(status));
                Assert.That(Conditions.Get(status!.Status.Conditions, ConditionTypes.Paused)?.Reason, Is.EqualTo(ConditionReasons.ObserveOnly));
                Assert.That(new[] { StoreHashes(dry, "dd-a"), StoreHashes(dry, "dd-b") }, Is.EqualTo(before), "a dry-run pass writes nothing to a cluster's store");
            });
        }
        finally
        {
            DaemonTestSupport.DeleteQuietly(dry);
        }
    }

    /// <summary>Every file under STATE/clusters/NAME, by relative path, with its SHA-256.</summary>
    private static SortedDictionary<string, string> StoreHashes(string state, string cluster)
    {
        var folder = Path.Combine(state, "clusters", cluster);
        return new SortedDictionary<string, string>(
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))),
            StringComparer.Ordinal);
    }

    /// <summary>Waits for <paramref name="count"/> more passes of <paramref name="cluster"/> (each writes its status anew).</summary>
    private static async Task<bool> PassesAsync(StatusWriter statuses, string cluster, int count)
    {
        var seen = new HashSet<DateTimeOffset>();
        if (await statuses.ReadAsync(cluster, CancellationToken.None) is { } first)
        {
            seen.Add(first.UpdatedAt);
        }

        return await DaemonTestSupport.EventuallyAsync(
            async () => await statuses.ReadAsync(cluster, CancellationToken.None) is { } d && seen.Add(d.UpdatedAt) && seen.Count > count,
            Bound);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    // The kubelet stand-in records each static pod's process (its session leader) here.
    private const string EtcdPodPid = """python3 -c 'import json; print(json.load(open("/run/hakube-standins/pods/etcd.yaml.json"))["pid"])'""";

    [GeneratedRegex(@"cluster\.yaml:\d+:\d+: ")]
    private static partial Regex LocatedError();

    private Task<StatusDocument?> StatusAsync(string cluster) => Statuses.ReadAsync(cluster, CancellationToken.None);

    private static string Describe(StatusDocument? document) =>
        document is null
            ? "no status yet"
            : $"phase {document.Status.Phase}; " + string.Join("; ", document.Status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))
              + "; plan: " + string.Join(", ", document.Status.Plan.Select(s => s.Action)) + "; errors: " + string.Join(" | ", document.Errors);

    private static string Manifest(string name, LabHost controlPlane, LabHost worker) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{name}}}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{controlPlane.Address}}", port: 6443}
          loadBalancer: {provider: External}
          etcd: {topology: Stacked}
          networking: {podSubnet: 192.168.0.0/16, cni: Calico}
          allowNonHighlyAvailable: true
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{controlPlane.Name}}, address: "{{controlPlane.Address}}", roles: [ControlPlane]}
          - {name: {{worker.Name}}, address: "{{worker.Address}}", roles: [Worker]}

        """;
}
