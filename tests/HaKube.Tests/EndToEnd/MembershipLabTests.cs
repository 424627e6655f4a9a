using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Model.Planning;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Hosts added, removed and replaced on a stacked cluster in the lab, each operation run by apply
/// while <see cref="EtcdQuorumWatcher"/> samples the real etcd every 100 ms (a lost majority or a
/// key written before and missing after fails the test). One cluster, operations in order:
/// three control planes and a worker built; 3 to 5 control planes; 5 to 3 with a leaving host
/// powered off in the middle; the worker removed; a stale member removed; a dead control plane
/// replaced by the same name at a new address; a dead control plane removed from the spec while
/// another host is added in its place; a control plane moved to a new machine while its old machine
/// still runs (the user moved the name without powering the old one off: the old member is removed
/// by ID as stale, the old machine reset without its Node being deleted, the new one joins under
/// the same name); a worker added. After each: etcd membership, HAProxy backends and Nodes checked
/// with the real tools.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(2)]
[SupportedOSPlatform("linux")]
public sealed class MembershipLabTests() : LabClusterFixture(9, new LabOptions("mem1", "127.0.110"), h => Manifest(h, [h[0], h[1], h[2]], [h[5]]))
{
    // Bounds each apply: a join takes a few seconds in the lab, a bring-up under a minute or two on a loaded machine.
    private static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(8);

    private IReadOnlyList<LabHost> H => Lab.Hosts;

    private LabHost LoadBalancer => H[6];

    private LabHost Worker => H[5];

    /// <summary>The manifest: control planes by (name, host), workers, HAProxy on host 6.</summary>
    private static string Manifest(IReadOnlyList<LabHost> h, IEnumerable<LabHost> controlPlanes, IEnumerable<LabHost> workers) =>
        Manifest(h, controlPlanes.Select(c => (c.Name, c)), workers);

    private static string Manifest(IReadOnlyList<LabHost> h, IEnumerable<(string Name, LabHost Host)> controlPlanes, IEnumerable<LabHost> workers)
    {
        var lines = controlPlanes.Select(c => $"  - {{name: {c.Name}, address: \"{c.Host.Address}\", roles: [ControlPlane]}}")
            .Concat(workers.Select(w => $"  - {{name: {w.Name}, address: \"{w.Address}\", roles: [Worker]}}"))
            .Append($"  - {{name: {h[6].Name}, address: \"{h[6].Address}\", roles: [LoadBalancer]}}");
        return $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-members}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[6].Address}}", port: 6443}
              loadBalancer: {provider: HAProxy, hosts: [{{h[6].Name}}]}
              etcd: {topology: Stacked}
              networking: {podSubnet: 192.168.0.0/16, cni: None}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:

            """ + string.Join("\n", lines) + "\n";
    }

    private Task WriteManifestAsync(IEnumerable<(string Name, LabHost Host)> controlPlanes, IEnumerable<LabHost> workers) =>
        File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, controlPlanes, workers));

    private async Task AssertClusterAsync(IReadOnlyList<(string Name, LabHost Host)> controlPlanes, IEnumerable<LabHost> workers)
    {
        var etcd = await ClusterChecks.EtcdAsync(Lab, controlPlanes[0].Host, controlPlanes.Select(c => c.Host));
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);
        var nodes = await ClusterChecks.NodesAsync(Lab, controlPlanes[0].Host);
        var names = controlPlanes.Select(c => c.Name).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(etcd.Members, Is.EquivalentTo(names), etcd.Output);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(backends.Keys, Is.EquivalentTo(names));
            Assert.That(nodes, Is.EquivalentTo(names.Concat(workers.Select(w => w.Name))));
        });
    }

    /// <summary>kubeadm reset left no kubeadm state on the host and the kubelet stopped.</summary>
    private async Task AssertResetAsync(LabHost host)
    {
        var state = await Lab.ShellAsync(host, "ls /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/manifests/*.yaml 2>/dev/null; /usr/local/sbin/systemctl is-active kubelet || true");
        Assert.That(state.StandardOutput.Trim(), Is.AnyOf("inactive", "failed", "unknown"), $"{host.Name} after the removal: {state.StandardOutput}{state.StandardError}");
    }

    private static (string Name, LabHost Host) Cp(LabHost host) => (host.Name, host);

    [Test, Order(1)]
    public async Task Apply_ThreeControlPlanesAndAWorker_Converges()
    {
        var (result, _) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);

        Assert.That(result.Converged, Is.True, result.Error);
        await AssertClusterAsync([Cp(H[0]), Cp(H[1]), Cp(H[2])], [Worker]);
    }

    [Test, Order(2)]
    public async Task Apply_ThreeToFiveControlPlanes_JoinsOneAtATimeWithQuorumHeld()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await WriteManifestAsync(H.Take(5).Select(Cp), [Worker]);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        Assert.That(run.StartedRows.Where(r => r.StartsWith("JoinControlPlane", StringComparison.Ordinal)), Is.EqualTo(new[] { $"JoinControlPlane {H[3].Name}", $"JoinControlPlane {H[4].Name}" }));
        await AssertClusterAsync(H.Take(5).Select(Cp).ToList(), [Worker]);
    }

    [Test, Order(3)]
    public async Task Apply_FiveToThreeWhileALeavingHostIsPoweredOff_ConvergesWithNoManualStep()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(5));
        await WriteManifestAsync(H.Take(3).Select(Cp), [Worker]);
        var killed = 0;

        // The first removal starts on one leaving control plane; the other one is powered off right then.
        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit, step =>
        {
            if (step.Kind == StepKind.RemoveControlPlane && Interlocked.Exchange(ref killed, 1) == 0)
            {
                var other = step.Hosts[0] == H[3].Name ? H[4] : H[3];
                Lab.PowerOffAsync(other).GetAwaiter().GetResult();
            }
        });
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        var rows = run.StartedRows.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(killed, Is.EqualTo(1), "no RemoveControlPlane step ran");
            // The load balancer stops sending to them before either leaves.
            Assert.That(rows.FindIndex(r => r.StartsWith("ConfigureLoadBalancer", StringComparison.Ordinal)), Is.LessThan(rows.FindIndex(r => r.StartsWith("RemoveControlPlane", StringComparison.Ordinal))), string.Join("\n", rows));
            Assert.That(rows.Count(r => r.StartsWith("RemoveControlPlane", StringComparison.Ordinal)), Is.EqualTo(2), string.Join("\n", rows));
            // The powered-off one is removed all the same (etcd member, Node), and the plan says reset was skipped there.
            Assert.That(run.Started.Where(s => s.Kind == StepKind.RemoveControlPlane).Last().Reason,
                Does.Contain("is unreachable").And.Contain("kubeadm reset is skipped there").And.Contain("(an unhealthy voter)"));
        });
        await AssertClusterAsync(H.Take(3).Select(Cp).ToList(), [Worker]);
        await AssertResetAsync(H[3]);
    }

    [Test, Order(4)]
    public async Task Apply_WorkerRemoved_NodeIsGoneAndTheHostReset()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await WriteManifestAsync(H.Take(3).Select(Cp), []);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        Assert.That(run.StartedRows, Does.Contain($"RemoveWorker {Worker.Name}"));
        await AssertClusterAsync(H.Take(3).Select(Cp).ToList(), []);
        await AssertResetAsync(Worker);
    }

    [Test, Order(5)]
    public async Task Apply_StaleMemberOnNoHost_IsRemoved()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        var added = await ClusterChecks.EtcdctlAsync(Lab, H[0], "member add ghost --peer-urls=https://" + LabOptions.Isolated("127.0.110.250") + ":2380");
        Assert.That(added.Succeeded, Is.True, added.StandardError);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        Assert.That(run.StartedRows, Does.Contain($"RemoveStaleEtcdMember {H[0].Name}"));
        await AssertClusterAsync(H.Take(3).Select(Cp).ToList(), []);
    }

    [Test, Order(6)]
    public async Task Apply_DeadControlPlaneReplacedAtANewAddress_StaleMemberRemovedThenTheNewHostJoins()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await Lab.PowerOffAsync(H[2]);
        // The same name, now on another machine (host 7).
        (string, LabHost)[] controlPlanes = [Cp(H[0]), Cp(H[1]), (H[2].Name, H[7])];
        await WriteManifestAsync(controlPlanes, []);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        var rows = run.StartedRows.ToList();
        Assert.That(rows.FindIndex(r => r.StartsWith("RemoveStaleEtcdMember", StringComparison.Ordinal)), Is.LessThan(rows.IndexOf($"JoinControlPlane {H[2].Name}")).And.Not.EqualTo(-1), string.Join("\n", rows));
        await AssertClusterAsync(controlPlanes, []);
        var peers = await ClusterChecks.EtcdMemberListAsync(Lab, H[0]);
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);
        Assert.Multiple(() =>
        {
            Assert.That(peers, Does.Contain($"{H[2].Name}, https://{H[7].Address}:2380"));
            Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
        });
    }

    [Test, Order(7)]
    public async Task Apply_DeadControlPlaneRemovedAndAnotherAdded_RemovedFirstThenTheNewOneJoins()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], [H[0], H[1], H[7]]);
        await Lab.PowerOffAsync(H[1]);
        // H[1] leaves the spec dead; H[3] (a control plane reset in the 5-to-3 step) comes in instead.
        (string, LabHost)[] controlPlanes = [Cp(H[0]), (H[2].Name, H[7]), Cp(H[3])];
        await WriteManifestAsync(controlPlanes, []);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync($"{report}\n{string.Join("\n", run.StartedRows)}");

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        var rows = run.StartedRows.ToList();
        Assert.That(rows.IndexOf($"RemoveControlPlane {H[1].Name}"), Is.LessThan(rows.IndexOf($"JoinControlPlane {H[3].Name}")).And.Not.EqualTo(-1), string.Join("\n", rows));
        await AssertClusterAsync(controlPlanes, []);
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);
        Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
    }

    [Test, Order(8)]
    public async Task Apply_ControlPlaneMovedToANewMachineWhileTheOldOneRuns_OldMachineResetNewOneJoinsQuorumHeld()
    {
        // H[3]'s name moves to H[5] (the worker reset in step 4) while H[3] still runs its control plane.
        var name = H[3].Name;
        var oldMachine = H[3];
        var newMachine = H[5];
        var before = await Lab.ShellAsync(oldMachine, "/usr/local/sbin/systemctl is-active kubelet; ls /etc/kubernetes/manifests");
        Assert.That(before.StandardOutput, Does.StartWith("active").And.Contain("etcd.yaml"), "the old machine runs its control plane before the move: " + before.StandardOutput);

        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], [H[0], H[7], H[3]]);
        (string, LabHost)[] controlPlanes = [Cp(H[0]), (H[2].Name, H[7]), (name, newMachine)];
        await WriteManifestAsync(controlPlanes, []);

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

        await AssertClusterAsync(controlPlanes, []);
        var peers = await ClusterChecks.EtcdMemberListAsync(Lab, H[0]);
        // The old machine: kubelet stopped, no static pod manifests, no etcd process, no kubeadm files.
        var old = await Lab.ShellAsync(oldMachine,
            "echo kubelet=$(/usr/local/sbin/systemctl is-active kubelet || true); echo manifests=$(ls /etc/kubernetes/manifests 2>/dev/null | wc -l); " +
            "echo etcd=$(pgrep -x etcd | wc -l); echo conf=$(ls /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf 2>/dev/null | wc -l)");
        var node = await Lab.ShellAsync(H[0], $"kubectl --kubeconfig /etc/kubernetes/admin.conf get node {name} -o json");
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);
        var (planExit, plan, planError) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var inventory = await File.ReadAllTextAsync(Directory.GetFiles(Cluster.StateDir, "inventory.json", SearchOption.AllDirectories).Single());
        Assert.Multiple(() =>
        {
            Assert.That(peers, Does.Contain($"{name}, https://{newMachine.Address}:2380").And.Not.Contain(oldMachine.Address + ":"), peers);
            Assert.That(old.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "kubelet=inactive", "manifests=0", "etcd=0", "conf=0" }).Or.EqualTo(new[] { "kubelet=unknown", "manifests=0", "etcd=0", "conf=0" }), old.StandardOutput + old.StandardError);
            Assert.That(node.Succeeded, Is.True, node.StandardError);
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

    [Test, Order(9)]
    public async Task Apply_WorkerAdded_JoinsWithQuorumHeld()
    {
        (string, LabHost)[] controlPlanes = [Cp(H[0]), (H[2].Name, H[7]), (H[3].Name, H[5])];
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], [H[0], H[7], H[5]]);
        await WriteManifestAsync(controlPlanes, [H[8]]);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        Assert.Multiple(() =>
        {
            Assert.That(run.StartedRows, Does.Contain($"JoinWorker {H[8].Name}"));
            Assert.That(run.StartedRows, Has.None.StartsWith("Remove").And.None.StartsWith("ResetPreviousMachine"));
        });
        await AssertClusterAsync(controlPlanes, [H[8]]);
    }
}
