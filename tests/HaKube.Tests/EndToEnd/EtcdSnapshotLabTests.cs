using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Snapshots;
using HaKube.Reconciler.Telemetry;
using HaKube.Tests.Lab;
using HaKube.Tests.Reconciler.Daemon;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// etcd snapshots on the lab: a one-control-plane stacked cluster (real etcd under the stand-in
/// kubelet) and an External one (one etcd host run by HaKube, one control plane), both brought up
/// by the daemon, whose first scheduled snapshots appear (with retention applied on the first); then `hakube etcd snapshot` on demand, proven good with the machine's real etcdctl:
/// snapshot status, and snapshot restore into a throwaway etcd that serves a key written before,
/// while a quorum watcher samples the cluster's etcd every 100 ms (a snapshot is a read).
/// </summary>
[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class EtcdSnapshotLabTests
{
    private const string Name = "snap-lab";
    private const string ExternalName = "snap-ext";
    private static readonly string RestoreAddress = LabOptions.Isolated("127.0.141.200");
    private static readonly TimeSpan BringUp = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(3);
    private static readonly DateTimeOffset[] Seeded =
    [
        new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new(2020, 1, 2, 0, 0, 0, TimeSpan.Zero),
        new(2020, 1, 3, 0, 0, 0, TimeSpan.Zero),
    ];

    private LabHosts? _lab;
    private string _manifests = "";
    private string _state = "";
    private string _scratch = "";
    private SshConnectionPool? _pool;
    private ReconcileLoop? _loop;

    private LabHosts Lab => _lab ?? throw new InvalidOperationException("lab not started");

    private LabHost ControlPlane => Lab.Hosts[0];

    // The External cluster: one etcd host run by HaKube, one control plane.
    private LabHost EtcdHost => Lab.Hosts[1];

    private LabHost ExternalControlPlane => Lab.Hosts[2];

    private string Manifest => Path.Combine(_manifests, "snap", "cluster.yaml");

    private string ExternalManifest => Path.Combine(_manifests, "snap-ext", "cluster.yaml");

    private EtcdSnapshotStore Snapshots => EtcdSnapshotStore.For(new ClusterStateStore(_state, Name), _state, null, Name);

    [OneTimeSetUp]
    public async Task StartLabAndDaemon()
    {
        _manifests = Directory.CreateTempSubdirectory("hakube-snap-m-").FullName;
        _state = Directory.CreateTempSubdirectory("hakube-snap-s-").FullName;
        _scratch = Directory.CreateTempSubdirectory("hakube-snap-x-").FullName;
        _lab = await LabHosts.StartAsync(3, new LabOptions("snap1", "127.0.140"), CancellationToken.None);
        await WriteManifestAsync(Manifest, $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: {{Name}}}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{ControlPlane.Address}}", port: 6443}
              loadBalancer: {provider: External}
              etcd:
                topology: Stacked
                snapshots: {interval: 1h, keep: 2}
              networking: {podSubnet: 192.168.0.0/16, cni: Calico}
              allowNonHighlyAvailable: true
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:
              - {name: {{ControlPlane.Name}}, address: "{{ControlPlane.Address}}", roles: [ControlPlane]}

            """);
        await WriteManifestAsync(ExternalManifest, $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: {{ExternalName}}}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{ExternalControlPlane.Address}}", port: 6443}
              loadBalancer: {provider: External}
              etcd:
                topology: External
                hosts: [{{EtcdHost.Name}}]
                snapshots: {interval: 1h, keep: 3}
              networking: {podSubnet: 192.168.0.0/16, cni: Calico}
              allowNonHighlyAvailable: true
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:
              - {name: {{ExternalControlPlane.Name}}, address: "{{ExternalControlPlane.Address}}", roles: [ControlPlane]}
              - {name: {{EtcdHost.Name}}, address: "{{EtcdHost.Address}}", roles: [Etcd]}

            """);

        // Old snapshots as an earlier daemon would have left them: retention must delete the two oldest.
        AtomicFile.EnsurePrivateDirectory(Snapshots.Directory);
        foreach (var time in Seeded)
        {
            await File.WriteAllTextAsync(Snapshots.PathFor(time), "an old snapshot");
        }

        var options = new DaemonOptions { ManifestsDirectory = _manifests, StateDirectory = _state, Resync = Resync, ObserveOnly = false };
        _pool = new SshConnectionPool(new SshSettings { ConnectTimeout = TimeSpan.FromSeconds(3) });
        var reconciler = new ClusterReconciler(_pool, options, TimeProvider.System, NullLogger<ClusterReconciler>.Instance);
        _loop = new ReconcileLoop(options, reconciler, new HealthState(), TimeProvider.System, NullLogger<ReconcileLoop>.Instance);
        await _loop.StartAsync(CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopEverything()
    {
        await StopDaemonAsync();
        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }

        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }

        DaemonTestSupport.DeleteQuietly(_manifests);
        DaemonTestSupport.DeleteQuietly(_state);
        DaemonTestSupport.DeleteQuietly(_scratch);
    }

    [Test, Order(0)]
    public async Task DownloadToAsync_FileFourTimesTheDownloadCap_StreamsEveryByteUnchanged()
    {
        var settings = new SshSettings();
        var bytes = settings.MaxDownloadBytes * 4L;
        var made = await Lab.ShellAsync(ControlPlane, $"head -c {bytes} /dev/urandom > /var/tmp/hakube-big && sha256sum /var/tmp/hakube-big");
        Assert.That(made.Succeeded, Is.True, made.StandardError);
        var target = Path.Combine(_scratch, "big");
        using var key = SshPrivateKey.FromFile(Lab.ClientKeyPath);
        await using var pool = new SshConnectionPool(settings);
        var connection = pool.Get(HaKube.Tests.Actions.Ssh.LabTargets.Pinned(ControlPlane, key));

        var watch = Stopwatch.StartNew();
        long? copied;
        await using (var file = File.Create(target))
        {
            copied = await connection.DownloadToAsync("/var/tmp/hakube-big", file, CancellationToken.None);
        }

        var elapsed = watch.Elapsed;
        await Lab.ShellAsync(ControlPlane, "rm -f /var/tmp/hakube-big");
        TestContext.Out.WriteLine($"streamed {bytes} bytes in {elapsed.TotalMilliseconds:0} ms ({bytes / 1048576.0 / elapsed.TotalSeconds:0.0} MiB/s)");
        Assert.Multiple(() =>
        {
            Assert.That(copied, Is.EqualTo(bytes));
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(target))), Is.EqualTo(made.StandardOutput.Split(' ')[0]));
        });
        File.Delete(target);
    }

    [Test, Order(1)]
    public async Task Run_EtcdHealthy_FirstScheduledSnapshotAppearsAtOnceAndRetentionKeepsTwo()
    {
        var statuses = new StatusWriter(_state);
        var taken = await DaemonTestSupport.EventuallyAsync(
            async () => await statuses.ReadAsync(Name, CancellationToken.None) is { Status.LastEtcdSnapshot.TakenAt.Year: > 2020 },
            BringUp);
        var document = await statuses.ReadAsync(Name, CancellationToken.None);
        var kept = Snapshots.List();
        var newest = document?.Status.LastEtcdSnapshot;
        var condition = document is null ? null : Conditions.Get(document.Status.Conditions, SnapshotConditions.Type);
        var leftovers = await Lab.ShellAsync(ControlPlane, "ls -d /var/tmp/hakube-etcd-snapshot.* 2>/dev/null | wc -l");
        var (_, shown, _) = await LabCluster.RunAsync("status", Name, "--state-dir", _state);

        Assert.That(taken, Is.True, "no scheduled snapshot in status: " + Describe(document));
        var status = await EtcdctlStatusAsync(newest!.File);
        Assert.Multiple(() =>
        {
            Assert.That(condition?.Status, Is.EqualTo(ConditionStatus.True), Describe(document));
            Assert.That(condition?.Reason, Is.AnyOf(SnapshotConditions.Taken, SnapshotConditions.Current));
            Assert.That(kept.Select(s => s.TakenAt), Is.EqualTo(new[] { Seeded[2], newest.TakenAt }), "keep: 2 deletes the two oldest");
            Assert.That(newest.File, Is.EqualTo(kept[1].Path));
            Assert.That(newest.Size, Is.EqualTo(new FileInfo(newest.File).Length).And.GreaterThan(0));
            Assert.That(File.GetUnixFileMode(newest.File), Is.EqualTo(AtomicFile.PrivateFile));
            Assert.That(File.GetUnixFileMode(Snapshots.Directory), Is.EqualTo(AtomicFile.PrivateDirectory));
            Assert.That(status.Succeeded, Is.True, "the machine's etcdctl reads the daemon's snapshot: " + status.StandardError);
            Assert.That(leftovers.StandardOutput.Trim(), Is.EqualTo("0"), "no temporary snapshot folder left on the host");
            Assert.That(shown, Does.Contain($"last etcd snapshot: {newest.File} ({newest.Size} bytes"), "hakube status shows it");
        });
    }

    [Test, Order(2)]
    public async Task Run_ExternalEtcd_ScheduledSnapshotComesFromTheEtcdHost()
    {
        var statuses = new StatusWriter(_state);
        var taken = await DaemonTestSupport.EventuallyAsync(
            async () => await statuses.ReadAsync(ExternalName, CancellationToken.None) is { Status.LastEtcdSnapshot: not null },
            BringUp);
        var document = await statuses.ReadAsync(ExternalName, CancellationToken.None);
        await StopDaemonAsync();

        Assert.That(taken, Is.True, "no scheduled snapshot in status: " + Describe(document));
        var condition = Conditions.Get(document!.Status.Conditions, SnapshotConditions.Type);
        var status = await EtcdctlStatusAsync(document.Status.LastEtcdSnapshot!.File);
        Assert.Multiple(() =>
        {
            Assert.That(condition?.Message, Does.Contain($"from {EtcdHost.Name}"), Describe(document));
            Assert.That(status.Succeeded, Is.True, "the machine's etcdctl reads it: " + status.StandardError);
            Assert.That(File.GetUnixFileMode(document.Status.LastEtcdSnapshot.File), Is.EqualTo(AtomicFile.PrivateFile));
        });
    }

    [Test, Order(3)]
    public async Task EtcdSnapshot_OnDemand_RestoresIntoAThrowawayEtcdThatServesAKeyWrittenBefore()
    {
        // The daemon must not take snapshots of its own meanwhile.
        await StopDaemonAsync();
        var value = "before-snapshot-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var put = await Lab.ShellAsync(ControlPlane, $"{HostEtcdctl} put hakube/snapshot-test {value}");
        Assert.That(put.Succeeded, Is.True, "wrote the key on the cluster's etcd: " + put.StandardError);
        var copy = Path.Combine(_scratch, "copy.db");
        await using var watcher = await StartWatcherAsync();

        var (exit, output, error) = await LabCluster.RunAsync("etcd", "snapshot", "-f", Manifest, "--state-dir", _state, "--output", copy);

        Assert.That(exit, Is.Zero, output + error);
        var newest = Snapshots.Newest()!;
        var status = await EtcdctlStatusAsync(copy);
        var leftovers = await Lab.ShellAsync(ControlPlane, "ls -d /var/tmp/hakube-etcd-snapshot.* 2>/dev/null | wc -l");
        var restored = await RestoreAndReadAsync(copy, "hakube/snapshot-test");
        var watched = await watcher.StopAsync();
        TestContext.Out.WriteLine("quorum watcher: " + watched);
        watched.AssertHeld();
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain($"etcd snapshot from {ControlPlane.Name} kept at {newest.Path}"));
            Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(newest.Path)));
            Assert.That(File.GetUnixFileMode(copy), Is.EqualTo(AtomicFile.PrivateFile));
            Assert.That(File.ReadAllText(newest.Path + ".sha256"), Does.StartWith(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(copy)))));
            Assert.That(status.Succeeded, Is.True, status.StandardError);
            Assert.That(leftovers.StandardOutput.Trim(), Is.EqualTo("0"), "no temporary snapshot folder left on the host");
            Assert.That(restored, Is.EqualTo(value), "the restored etcd serves the key written before the snapshot");
        });
        using var json = JsonDocument.Parse(status.StandardOutput);
        Assert.That(json.RootElement.GetProperty("totalKey").GetInt64(), Is.GreaterThan(0));
    }

    [Test, Order(4)]
    public async Task EtcdSnapshot_MemberHostDown_FailsWithTheReasonAndKeepsNothing()
    {
        var before = Snapshots.List();
        await Lab.PowerOffAsync(ControlPlane);

        var (exit, output, error) = await LabCluster.RunAsync("etcd", "snapshot", "-f", Manifest, "--state-dir", _state);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(error, Does.Contain($"{Name}: no snapshot taken: no etcd member answered a health check"));
            Assert.That(Snapshots.List(), Is.EqualTo(before));
            Assert.That(Directory.GetFiles(Snapshots.Directory, ".partial-*"), Is.Empty);
        });
    }

    /// <summary>
    /// The quorum watcher, started again (at most three times) when its first writes time out: its
    /// requests allow 1 s, which a loaded machine's etcd fsync can exceed before anything was done.
    /// </summary>
    private async Task<EtcdQuorumWatcher> StartWatcherAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EtcdQuorumWatcher.StartAsync(ControlPlane, [ControlPlane]);
            }
            catch (InvalidOperationException e) when (attempt < 3)
            {
                TestContext.Out.WriteLine($"quorum watcher start {attempt} failed, retrying: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    private async Task WriteManifestAsync(string path, string manifest)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(Path.Combine(folder, "keys"));
        File.Copy(Lab.ClientKeyPath, Path.Combine(folder, "keys", "id_ed25519"));
        File.Copy(Lab.KnownHostsPath, Path.Combine(folder, "keys", "known_hosts"));
        await File.WriteAllTextAsync(path, manifest);
    }

    private string HostEtcdctl =>
        $"ETCDCTL_API=3 /opt/hakube-lab/etcd-3.5.16/etcdctl --endpoints=https://{ControlPlane.Address}:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt " +
        "--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key --dial-timeout=3s --command-timeout=10s";

    private static Task<LabCommandResult> EtcdctlStatusAsync(string file) =>
        LabProcess.RunAsync(LabEtcd.Etcdutl, ["snapshot", "status", file, "-w", "json"], TimeSpan.FromSeconds(30), new Dictionary<string, string> { ["ETCDCTL_API"] = "3" });

    /// <summary>
    /// Restores <paramref name="snapshot"/> into a fresh data folder with the real etcdctl, runs a
    /// throwaway etcd on it (plain HTTP on a loopback address of this test's own), and reads
    /// <paramref name="key"/> back; the etcd is killed and its folder deleted however this ends.
    /// </summary>
    private async Task<string?> RestoreAndReadAsync(string snapshot, string key)
    {
        var environment = new Dictionary<string, string> { ["ETCDCTL_API"] = "3" };
        var dataDir = Path.Combine(_scratch, "restored");
        var peer = $"http://{RestoreAddress}:2380";
        var client = $"http://{RestoreAddress}:2379";
        var restore = await LabProcess.RunAsync(
            LabEtcd.Etcdutl,
            ["snapshot", "restore", snapshot, "--data-dir", dataDir, "--name", "restore", "--initial-cluster", $"restore={peer}", "--initial-advertise-peer-urls", peer],
            TimeSpan.FromSeconds(60),
            environment);
        Assert.That(restore.Succeeded, Is.True, "etcdutl snapshot restore: " + restore.StandardError);

        var startInfo = new ProcessStartInfo(LabEtcd.Etcd)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--name", "restore", "--data-dir", dataDir, "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"restore={peer}" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var etcd = Process.Start(startInfo) ?? throw new InvalidOperationException("etcd did not start");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        etcd.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        etcd.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        etcd.BeginOutputReadLine();
        etcd.BeginErrorReadLine();
        try
        {
            string? value = null;
            var deadline = Stopwatch.StartNew();
            while (value is null && deadline.Elapsed < TimeSpan.FromSeconds(60) && !etcd.HasExited)
            {
                var get = await LabProcess.RunAsync(LabEtcd.Etcdctl, ["--endpoints", client, "--dial-timeout=2s", "get", key, "--print-value-only"], TimeSpan.FromSeconds(15), environment);
                if (get.Succeeded && get.StandardOutput.Trim() is { Length: > 0 } read)
                {
                    value = read;
                }
                else
                {
                    await Task.Delay(500);
                }
            }

            Assert.That(value, Is.Not.Null, $"the restored etcd never served {key} (exited: {etcd.HasExited}); its log:\n" + string.Join("\n", log.TakeLast(30)));
            return value;
        }
        finally
        {
            if (!etcd.HasExited)
            {
                etcd.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await etcd.WaitForExitAsync(exit.Token);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private async Task StopDaemonAsync()
    {
        if (_loop is null)
        {
            return;
        }

        using var stop = new CancellationTokenSource(DaemonHost.ShutdownTimeout);
        await _loop.StopAsync(stop.Token);
        _loop.Dispose();
        _loop = null;
    }

    private static string Describe(StatusDocument? document) =>
        document is null
            ? "no status yet"
            : $"phase {document.Status.Phase}; " + string.Join("; ", document.Status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))
              + "; plan: " + string.Join(", ", document.Status.Plan.Select(s => s.Action)) + "; errors: " + string.Join(" | ", document.Errors);
}
