using System.Runtime.Versioning;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Kubernetes upgrades end to end on the lab: three stacked control planes, one worker and
/// HAProxy, built at v1.31.4. A downgrade and a skipped minor are refused and touch no host; the
/// patch upgrade to v1.31.5 and the minor upgrade to v1.32.1 converge one host at a time while a
/// watcher samples the real etcd every 100 ms (no majority lost, every key kept), after which
/// every node reports the new kubelet and every host the new kubeadm and kubectl. Last, a control
/// plane is lost in the middle of its own upgrade to v1.33.1: powered off two seconds into its
/// step, the apply stops naming it, nothing is upgraded while it is off, and once it is back the
/// next applies (at most four) converge with no manual step. The tests run in order on one lab
/// (one converged cluster for every upgrade, rather than one per scenario).
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(1)]
[SupportedOSPlatform("linux")]
public sealed class UpgradeLabTests() : LabClusterFixture(5, new LabOptions("upg1", "127.0.130"), h => UpgradeLab.Manifest(h, Name, "v1.31.4"))
{
    private const string Name = "upgrade";

    /// <summary>The version of the last upgrade, during which a control plane is powered off.</summary>
    private const string UnderPowerOff = "v1.33.1";

    // Applies after power-on before the power-off test fails: each is a full cycle, as the daemon would run.
    private const int MaxApplies = 4;

    [Test, Order(1)]
    public async Task Apply_V1314_ConvergesTheClusterToUpgrade()
    {
        var (exit, output, error) = await UpgradeLab.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);

        Assert.That(exit, Is.Zero, output + error);
        await UpgradeLab.AssertEveryHostAtAsync(Lab, "v1.31.4");
    }

    [Test, Order(2)]
    public Task Apply_Downgrade_SaysWhyAndLeavesEveryHostUntouched() => RefusedAsync("v1.31.3", "a downgrade: ");

    [Test, Order(3)]
    public Task Apply_SkippedMinor_SaysWhyAndLeavesEveryHostUntouched() => RefusedAsync("v1.33.0", "v1.31.4 to v1.33.0 skips a minor");

    [Test, Order(4)]
    public Task Apply_PatchRaised_UpgradesHostByHostWithoutLosingEtcdQuorum() => UpgradeAsync("v1.31.5", "3.5.15-0");

    [Test, Order(5)]
    public Task Apply_MinorRaised_UpgradesHostByHostWithoutLosingEtcdQuorum() => UpgradeAsync("v1.32.1", "3.5.16-0");

    [Test, Order(6)]
    public async Task Apply_ControlPlanePoweredOffMidUpgrade_NextApplyConvergesOnceItIsBack()
    {
        var controlPlanes = UpgradeLab.ControlPlanes(Lab);
        var victim = controlPlanes[1];
        await UpgradeLab.WriteManifestAsync(Cluster, Name, UnderPowerOff);
        using var limit = new CancellationTokenSource(UpgradeLab.ApplyLimit);
        await using var session = await UpgradeLab.OpenAsync(Cluster, limit.Token);
        await new ClusterPipeline(session.Session).PlanOnlyAsync(limit.Token);
        await using var watcher = await EtcdQuorumWatcher.StartAsync(controlPlanes[0], controlPlanes);
        var powerOff = new PowerOffDuringUpgrade(Lab, victim);

        var interrupted = await new ApplyLoop(session.Session, powerOff).RunAsync(limit.Token);
        // The power-off starts two seconds into the victim's step; an apply that ended without ever
        // starting it failed elsewhere: say so now rather than wait out the limit.
        await Task.WhenAny(powerOff.Done, Task.Delay(TimeSpan.FromSeconds(10), limit.Token));
        Assert.That(powerOff.Done.IsCompleted, Is.True, $"the apply ended before {victim.Name}'s upgrade started: {interrupted.Error}");
        await powerOff.Done.WaitAsync(limit.Token);
        var (_, _, whileOff) = await new ClusterPipeline(session.Session).PlanOnlyAsync(limit.Token);
        await Lab.PowerOnAsync(victim, limit.Token);
        // As the daemon's cycles would: applies until one converges, bounded (a member that is still
        // starting makes the cluster degraded for a moment, and the upgrade waits for it).
        var (exit, output, error, applies) = (1, "", "", 0);
        while (exit != 0 && applies < MaxApplies)
        {
            applies++;
            (exit, output, error) = await UpgradeLab.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
            if (exit != 0)
            {
                await TestContext.Out.WriteLineAsync($"apply {applies} after power-on: {error.Trim()}");
                await Task.Delay(TimeSpan.FromSeconds(5), limit.Token);
            }
        }

        var (planExit, plan, _) = await UpgradeLab.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync($"interrupted apply: {interrupted.Error}; converged by apply {applies} after power-on; etcd watcher: {report}");

        Assert.Multiple(() =>
        {
            Assert.That(interrupted.Converged, Is.False, "the apply went on as if the control plane had not been lost");
            Assert.That(interrupted.Error, Does.Contain(victim.Name));
            Assert.That(whileOff.Steps, Is.Empty, "nothing is upgraded while a host is down");
            Assert.That(whileOff.Refusals.Select(r => r.Reason), Has.Some.Contains($"degraded: {victim.Name} unreachable"));
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(planExit, Is.Zero, plan);
        });
        report.AssertHeld();
        await UpgradeLab.AssertEveryHostAtAsync(Lab, UnderPowerOff);
    }

    private async Task RefusedAsync(string version, string reason)
    {
        var before = await FingerprintAsync();
        await UpgradeLab.WriteManifestAsync(Cluster, Name, version);

        var (planExit, plan, planError) = await UpgradeLab.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var (exit, output, error) = await UpgradeLab.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var after = await FingerprintAsync();
        await UpgradeLab.WriteManifestAsync(Cluster, Name, "v1.31.4");

        Assert.Multiple(() =>
        {
            Assert.That(planExit, Is.Not.Zero, plan + planError);
            Assert.That(plan + planError, Does.Contain(reason));
            Assert.That(exit, Is.EqualTo(1), output + error);
            Assert.That(error, Does.Contain("nothing can be done").And.Contain(reason));
            Assert.That(after, Is.EqualTo(before), "a refused upgrade changed a host");
        });
    }

    private async Task UpgradeAsync(string version, string etcdTag)
    {
        await UpgradeLab.WriteManifestAsync(Cluster, Name, version);
        using var limit = new CancellationTokenSource(UpgradeLab.ApplyLimit);
        await using var session = await UpgradeLab.OpenAsync(Cluster, limit.Token);
        var (_, _, first) = await new ClusterPipeline(session.Session).PlanOnlyAsync(limit.Token);
        // The probe above opened every SSH connection: the handshakes (CPU-bound, in this process)
        // are done before the watcher starts, so its 100 ms samples measure etcd, not this process.
        await using var watcher = await EtcdQuorumWatcher.StartAsync(UpgradeLab.ControlPlanes(Lab)[0], UpgradeLab.ControlPlanes(Lab));
        var started = TimeProvider.System.GetTimestamp();

        var result = await new ApplyLoop(session.Session).RunAsync(limit.Token);
        var report = await watcher.StopAsync();
        var (planExit, plan, _) = await UpgradeLab.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        await TestContext.Out.WriteLineAsync($"upgrade to {version}: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0} s, {result.Rounds} rounds; etcd watcher: {report}");

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(s => (s.Kind, s.Hosts.Single())), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, Lab.Hosts[0].Name) }), "the first control plane first, alone");
            Assert.That(result.Converged, Is.True, result.Error);
            Assert.That(result.StepsRun, Is.EqualTo(4), "one step per node: three control planes and the worker");
            Assert.That(planExit, Is.Zero, plan);
        });
        report.AssertHeld();
        await UpgradeLab.AssertEveryHostAtAsync(Lab, version);
        Assert.That(await UpgradeLab.EtcdImagesAsync(Lab), Has.All.EndsWith("/etcd:" + etcdTag), "each stacked etcd member runs the target minor's etcd image");
    }

    /// <summary>What a refused upgrade must not change: versions, packages and their source, static pods and HaKube's markers on every node.</summary>
    private async Task<IReadOnlyList<string>> FingerprintAsync()
    {
        var prints = new List<string>();
        foreach (var host in UpgradeLab.Nodes(Lab))
        {
            var result = await Lab.ShellAsync(host,
                "kubeadm version -o short; kubelet --version; cat /etc/apt/sources.list.d/kubernetes.list; ls -A /etc/kubernetes/hakube; " +
                "cat /etc/kubernetes/manifests/*.yaml 2>/dev/null | sha256sum; sha256sum /var/lib/hakube-standins/dpkg.json");
            prints.Add($"{host.Name}: {result.StandardOutput}");
        }

        return prints;
    }
}
