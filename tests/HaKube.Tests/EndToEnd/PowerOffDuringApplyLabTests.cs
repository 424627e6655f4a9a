using System.Runtime.Versioning;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Manifests;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// A host lost in the middle of an apply: three stacked control planes, one worker and HAProxy.
/// The worker is powered off right after kubeadm init succeeded; the apply names it and still
/// joins the other control planes; while it is off every apply names it; once it is back, one
/// apply converges and the plan is empty. The tests run in order on one lab.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(9)]
[SupportedOSPlatform("linux")]
public sealed class PowerOffDuringApplyLabTests() : LabClusterFixture(5, new LabOptions("hkpoff", "127.0.93"), h => UpgradeLab.Manifest(h, "e2e-poweroff", "v1.31.4"))
{
    // Bounds every apply and plan: a full bring-up takes under a minute on the lab.
    private static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(5);

    private LabHost Worker => Lab.Hosts[3];

    private string Manifest => Cluster.Manifest;

    private string StateDir => Cluster.StateDir;

    [Test, Order(1)]
    public async Task Apply_WorkerPoweredOffAfterInit_NamesTheWorkerAndJoinsTheControlPlanes()
    {
        using var limit = new CancellationTokenSource(ApplyLimit);
        await using var pool = new SshConnectionPool();
        var loaded = await ManifestFiles.LoadAsync([Manifest], limit.Token);
        var session = await SessionFactory.CreateAsync(loaded.Manifests.Single(), pool, StateDir, limit.Token);
        var powerOff = new PowerOffAfterInit(Lab, Worker);

        var result = await new ApplyLoop(session, powerOff).RunAsync(limit.Token);
        var (observed, _, after) = await new ClusterPipeline(session).PlanOnlyAsync(limit.Token);
        var facts = observed.Facts;
        await TestContext.Out.WriteLineAsync($"apply stopped after {result.Rounds} round(s), {result.StepsRun} step(s): {result.Error}");

        var controlPlanes = facts.Where(f => Lab.Hosts.Take(3).Any(h => h.Name == f.Host)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(powerOff.PoweredOff, Is.True, "kubeadm init never succeeded, so the worker was never powered off");
            Assert.That(result.Converged, Is.False);
            Assert.That(result.Error, Does.Contain(Worker.Name));
            Assert.That(controlPlanes.Select(f => (f.Host, f.Reachable, f.ControlPlaneInitialized)), Is.All.Matches<(string, bool Reachable, bool Initialized)>(f => f.Reachable && f.Initialized), "every control plane joined");
            Assert.That(after.Steps, Is.Empty, "nothing is left to do without the worker");
            Assert.That(after.Refusals.Select(r => r.Host), Is.EqualTo(new[] { Worker.Name }));
        });
    }

    [Test, Order(2)]
    public async Task Apply_WorkerStillOff_ExitsOneNamingTheWorker()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);
        await TestContext.Out.WriteLineAsync(error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), output + error);
            Assert.That(error, Does.Contain(Worker.Name).And.Contain("unreachable"));
        });
    }

    [Test, Order(3)]
    public async Task Apply_WorkerPoweredOnAgain_ConvergesAndPlanIsEmpty()
    {
        await Lab.PowerOnAsync(Worker);

        var (exit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);
        var (planExit, plan, planError) = await RunAsync("plan", "-f", Manifest, "--state-dir", StateDir);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("JoinWorker"));
            Assert.That(planExit, Is.Zero, plan + planError);
        });
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => LabCluster.RunAsync(args);

    /// <summary>Powers the worker off once, as soon as kubeadm init succeeded: the apply is then mid-way (joins still to come).</summary>
    private sealed class PowerOffAfterInit(LabHosts lab, LabHost worker) : IExecutionObserver
    {
        private int _done;

        public bool PoweredOff => Volatile.Read(ref _done) == 1;

        public void RoundPlanned(int round, Plan plan)
        {
        }

        public void StepStarted(PlanStep planStep)
        {
        }

        public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
        {
            if (planStep.Kind == StepKind.InitControlPlane && Interlocked.Exchange(ref _done, 1) == 0)
            {
                // Blocking on purpose: the executor waits, so the next probe surely finds the worker off.
                lab.PowerOffAsync(worker).GetAwaiter().GetResult();
            }
        }

        public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
        {
        }
    }
}
