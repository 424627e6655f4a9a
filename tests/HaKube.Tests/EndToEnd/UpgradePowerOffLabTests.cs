using System.Runtime.Versioning;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// A control plane lost in the middle of its own upgrade: three stacked control planes, one
/// worker and HAProxy at v1.31.4, raised to v1.32.1. The second control plane is powered off two
/// seconds into its upgrade step; the apply stops naming it, nothing is upgraded while it is off,
/// and once it is powered on the next applies (at most four) converge every host to v1.32.1 with no manual step,
/// while a watcher samples the real etcd every 100 ms.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(3)]
[SupportedOSPlatform("linux")]
public sealed class UpgradePowerOffLabTests
{
    private const string Name = "upgrade-poweroff";

    // Applies after power-on before the test fails: each is a full cycle, as the daemon would run.
    private const int MaxApplies = 4;

    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    [OneTimeSetUp]
    public async Task StartLab() =>
        _cluster = await LabCluster.StartAsync(5, new LabOptions("upg2", "127.0.131"), h => UpgradeLab.Manifest(h, Name, "v1.31.4"));

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test, Order(1)]
    public async Task Apply_V1314_Converges()
    {
        var (exit, output, error) = await UpgradeLab.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);

        Assert.That(exit, Is.Zero, output + error);
    }

    [Test, Order(2)]
    public async Task Apply_ControlPlanePoweredOffMidUpgrade_NextApplyConvergesOnceItIsBack()
    {
        var controlPlanes = UpgradeLab.ControlPlanes(Lab);
        var victim = controlPlanes[1];
        await UpgradeLab.WriteManifestAsync(Cluster, Name, "v1.32.1");
        using var limit = new CancellationTokenSource(UpgradeLab.ApplyLimit);
        await using var session = await UpgradeLab.OpenAsync(Cluster, limit.Token);
        await new ApplyLoop(session.Session, PlannerProvider.Default).PlanOnceAsync(limit.Token);
        await using var watcher = await EtcdQuorumWatcher.StartAsync(controlPlanes[0], controlPlanes);
        var powerOff = new PowerOffDuringUpgrade(Lab, victim);

        var interrupted = await new ApplyLoop(session.Session, PlannerProvider.Default, powerOff).RunAsync(limit.Token);
        // The power-off starts two seconds into the victim's step; an apply that ended without ever
        // starting it failed elsewhere: say so now rather than wait out the limit.
        await Task.WhenAny(powerOff.Done, Task.Delay(TimeSpan.FromSeconds(10), limit.Token));
        Assert.That(powerOff.Done.IsCompleted, Is.True, $"the apply ended before {victim.Name}'s upgrade started: {interrupted.Error}");
        await powerOff.Done.WaitAsync(limit.Token);
        var (_, _, whileOff) = await new ApplyLoop(session.Session, PlannerProvider.Default).PlanOnceAsync(limit.Token);
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
        await UpgradeLab.AssertEveryHostAtAsync(Lab, "v1.32.1");
    }

    /// <summary>Powers <paramref name="victim"/> off once, two seconds into its own upgrade step (packages or kubeadm upgrade node under way).</summary>
    private sealed class PowerOffDuringUpgrade(LabHosts lab, LabHost victim) : IExecutionObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public Task Done => _done.Task;

        public void RoundPlanned(int round, Plan plan)
        {
            if (plan.Steps.Count == 0)
            {
                _done.TrySetException(new InvalidOperationException($"round {round} planned nothing before {victim.Name} was upgraded: {string.Join("; ", plan.Refusals)}"));
            }
        }

        public void StepStarted(PlanStep planStep)
        {
            if (planStep.Kind == StepKind.UpgradeControlPlane && planStep.Hosts.Contains(victim.Name) && Interlocked.Exchange(ref _started, 1) == 0)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(2));
                        await lab.PowerOffAsync(victim);
                        _done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        _done.TrySetException(e);
                    }
                });
            }
        }

        public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
        {
        }

        public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
        {
        }
    }
}
