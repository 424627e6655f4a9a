using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// A control plane replaced at a new address while its old machine still runs (the user moved the
/// name to a fresh machine without powering the old one off). Run by apply under
/// <see cref="EtcdQuorumWatcher"/> (the real etcd sampled every 100 ms: no majority lost, no key
/// written before missing after): the old member is removed by ID as stale, the old machine is
/// reset (kubelet stopped, no manifests, no etcd) without its Node being deleted, the new machine
/// joins under the same name, and the Node of that name is Ready at the new address. Then a worker
/// is added under the watcher too. Hosts 0-2 control planes, 3 a worker, 4 HAProxy, 5 the new
/// machine, 6 the added worker.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(6)]
[SupportedOSPlatform("linux")]
public sealed class PreviousMachineLabTests
{
    private static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(8);

    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    private IReadOnlyList<LabHost> H => Lab.Hosts;

    [OneTimeSetUp]
    public async Task StartLab()
    {
        _cluster = await LabCluster.StartAsync(7, new LabOptions("old1", "127.0.160"), h => Manifest(h, [(h[0].Name, h[0]), (h[1].Name, h[1]), (h[2].Name, h[2])]));
    }

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private static string Manifest(IReadOnlyList<LabHost> h, IEnumerable<(string Name, LabHost Host)> controlPlanes, IEnumerable<LabHost>? moreWorkers = null)
    {
        var lines = controlPlanes.Select(c => $"  - {{name: {c.Name}, address: \"{c.Host.Address}\", roles: [ControlPlane]}}")
            .Concat(new[] { h[3] }.Concat(moreWorkers ?? []).Select(w => $"  - {{name: {w.Name}, address: \"{w.Address}\", roles: [Worker]}}"))
            .Append($"  - {{name: {h[4].Name}, address: \"{h[4].Address}\", roles: [LoadBalancer]}}");
        return $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-previous}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[4].Address}}", port: 6443}
              loadBalancer: {provider: HAProxy, hosts: [{{h[4].Name}}]}
              etcd: {topology: Stacked}
              networking: {podSubnet: 192.168.0.0/16, cni: None}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:

            """ + string.Join("\n", lines) + "\n";
    }

    [Test, Order(1)]
    public async Task Apply_ThreeControlPlanesAndAWorker_Converges()
    {
        var (result, _) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);

        Assert.That(result.Converged, Is.True, result.Error);
        var nodes = await ClusterChecks.NodesAsync(Lab, H[0]);
        Assert.That(nodes, Is.EquivalentTo(new[] { H[0].Name, H[1].Name, H[2].Name, H[3].Name }));
    }

    [Test, Order(2)]
    public async Task Apply_ControlPlaneMovedToANewMachineWhileTheOldOneRuns_OldMachineResetNewOneJoinsQuorumHeld()
    {
        var name = H[2].Name;
        var oldMachine = H[2];
        var newMachine = H[5];
        var before = await Lab.ShellAsync(oldMachine, "/usr/local/sbin/systemctl is-active kubelet; ls /etc/kubernetes/manifests");
        Assert.That(before.StandardOutput, Does.StartWith("active").And.Contain("etcd.yaml"), "the old machine runs its control plane before the move: " + before.StandardOutput);

        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        (string, LabHost)[] controlPlanes = [(H[0].Name, H[0]), (H[1].Name, H[1]), (name, newMachine)];
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, controlPlanes));

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        var rows = run.StartedRows.ToList();
        var stale = rows.FindIndex(r => r.StartsWith("RemoveStaleEtcdMember ", StringComparison.Ordinal));
        var reset = rows.IndexOf($"ResetPreviousMachine {name}@{oldMachine.Address}");
        var join = rows.IndexOf($"JoinControlPlane {name}");
        Assert.Multiple(() =>
        {
            Assert.That(stale, Is.Not.EqualTo(-1), string.Join("\n", rows));
            Assert.That(reset, Is.GreaterThan(stale), string.Join("\n", rows));
            Assert.That(join, Is.GreaterThan(reset), string.Join("\n", rows));
            Assert.That(rows, Has.None.StartsWith("RemoveControlPlane").And.None.StartsWith("RemoveWorker"));
        });

        // etcd: the three names, the moved one peering at the new machine, all healthy.
        var etcd = await ClusterChecks.EtcdAsync(Lab, H[0], [H[0], H[1], newMachine]);
        var peers = await Lab.ShellAsync(H[0],
            "ETCDCTL_API=3 /opt/hakube-lab/etcd-3.5.16/etcdctl --endpoints=https://" + H[0].Address + ":2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt " +
            "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key member list");
        // The old machine: kubelet stopped, no static pod manifests, no etcd process, no kubeadm files.
        var old = await Lab.ShellAsync(oldMachine,
            "echo kubelet=$(/usr/local/sbin/systemctl is-active kubelet || true); echo manifests=$(ls /etc/kubernetes/manifests 2>/dev/null | wc -l); " +
            "echo etcd=$(pgrep -x etcd | wc -l); echo conf=$(ls /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf 2>/dev/null | wc -l)");
        var node = await Lab.ShellAsync(H[0], $"kubectl --kubeconfig /etc/kubernetes/admin.conf get node {name} -o json");
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, H[4]);
        var (planExit, plan, planError) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var inventory = await File.ReadAllTextAsync(Directory.GetFiles(Cluster.StateDir, "inventory.json", SearchOption.AllDirectories).Single());
        Assert.Multiple(() =>
        {
            Assert.That(etcd.Members, Is.EquivalentTo(new[] { H[0].Name, H[1].Name, name }), etcd.Output);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(peers.StandardOutput, Does.Contain($"{name}, https://{newMachine.Address}:2380").And.Not.Contain(oldMachine.Address), peers.StandardOutput);
            Assert.That(old.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "kubelet=inactive", "manifests=0", "etcd=0", "conf=0" }).Or.EqualTo(new[] { "kubelet=unknown", "manifests=0", "etcd=0", "conf=0" }), old.StandardOutput + old.StandardError);
            Assert.That(node.Succeeded, Is.True, node.StandardError);
            Assert.That(backends.Keys, Is.EquivalentTo(new[] { H[0].Name, H[1].Name, name }));
            Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
            Assert.That(planExit, Is.Zero, plan + planError);
            Assert.That(inventory, Does.Not.Contain($"\"{oldMachine.Address}\""), inventory);
        });
        using var json = JsonDocument.Parse(node.StandardOutput);
        var status = json.RootElement.GetProperty("status");
        var ready = status.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == "Ready").GetProperty("status").GetString();
        var internalIp = status.GetProperty("addresses").EnumerateArray().Single(a => a.GetProperty("type").GetString() == "InternalIP").GetProperty("address").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.EqualTo("True"), node.StandardOutput);
            Assert.That(internalIp, Is.EqualTo(newMachine.Address), "the Node of that name is the new machine's");
        });
    }

    [Test, Order(3)]
    public async Task Apply_WorkerAdded_JoinsWithQuorumHeld()
    {
        (string, LabHost)[] controlPlanes = [(H[0].Name, H[0]), (H[1].Name, H[1]), (H[2].Name, H[5])];
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], [H[0], H[1], H[5]]);
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, controlPlanes, [H[6]]));

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        var nodes = await ClusterChecks.NodesAsync(Lab, H[0]);
        Assert.Multiple(() =>
        {
            Assert.That(run.StartedRows, Does.Contain($"JoinWorker {H[6].Name}"));
            Assert.That(run.StartedRows, Has.None.StartsWith("Remove").And.None.StartsWith("ResetPreviousMachine"));
            Assert.That(nodes, Is.EquivalentTo(new[] { H[0].Name, H[1].Name, H[2].Name, H[3].Name, H[6].Name }));
        });
    }
}
