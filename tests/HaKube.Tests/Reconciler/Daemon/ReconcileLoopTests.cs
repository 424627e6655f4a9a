using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
[NonParallelizable]
public sealed class ReconcileLoopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private string _manifests = "";
    private string _state = "";

    [SetUp]
    public void Folders()
    {
        _manifests = DaemonTestSupport.NewManifestFolder();
        _state = Directory.CreateTempSubdirectory("hakube-daemon-s-").FullName;
    }

    [TearDown]
    public void Clean()
    {
        DaemonTestSupport.DeleteQuietly(_manifests);
        DaemonTestSupport.DeleteQuietly(_state);
    }

    [Test]
    public async Task ExecuteAsync_ManifestWritten_ReconcileStartsWithinASecond()
    {
        var reconciler = new RecordingReconciler();
        var (loop, _) = Loop(reconciler);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await loop.Leading.WaitAsync(Bound);
            await Task.Delay(100); // the first scan found nothing
            var writing = System.Diagnostics.Stopwatch.GetTimestamp();
            await File.WriteAllTextAsync(Path.Combine(_manifests, "alpha.yaml"), DaemonTestSupport.Manifest("alpha"));

            var started = await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("alpha") > 0, Bound);
            var reaction = started ? System.Diagnostics.Stopwatch.GetElapsedTime(writing, reconciler.Calls.First().At) : TimeSpan.MaxValue;
            TestContext.Out.WriteLine($"file written -> reconcile started: {reaction.TotalMilliseconds:0} ms (debounce 50 ms; noticed -> started {loop.LastReactionMs:0} ms)");

            Assert.Multiple(() =>
            {
                Assert.That(started, Is.True);
                Assert.That(reaction, Is.LessThan(TimeSpan.FromSeconds(1)));
            });
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_InvalidManifest_InvalidStatusAndReconcilerNotCalled()
    {
        await File.WriteAllTextAsync(Path.Combine(_manifests, "alpha.yaml"), DaemonTestSupport.Manifest("alpha").Replace("v1.31.4", "v1.29.9", StringComparison.Ordinal));
        var reconciler = new RecordingReconciler();
        var (loop, _) = Loop(reconciler);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            var written = await DaemonTestSupport.EventuallyAsync(async () => await loop.Statuses.ReadAsync("alpha", CancellationToken.None) is not null, Bound);
            var document = await loop.Statuses.ReadAsync("alpha", CancellationToken.None);
            var ready = document is null ? null : Conditions.Get(document.Status.Conditions, ConditionTypes.Ready);

            Assert.Multiple(() =>
            {
                Assert.That(written, Is.True);
                Assert.That(document?.Status.Phase, Is.EqualTo(ClusterPhase.Failed));
                Assert.That(ready?.Reason, Is.EqualTo(ConditionReasons.InvalidManifest));
                Assert.That(document?.Errors, Has.Some.Match(@"alpha\.yaml:\d+:\d+: spec\.kubernetesVersion: v1\.29\.9"));
                Assert.That(reconciler.Calls, Is.Empty);
            });
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_ManifestDeleted_ManagementStopsAndReconcilerNotCalledAgain()
    {
        var file = Path.Combine(_manifests, "alpha.yaml");
        await File.WriteAllTextAsync(file, DaemonTestSupport.Manifest("alpha"));
        var reconciler = new RecordingReconciler();
        var (loop, _) = Loop(reconciler, resync: TimeSpan.FromMilliseconds(200));
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("alpha") > 0, Bound);
            File.Delete(file);
            var unmanaged = await DaemonTestSupport.EventuallyAsync(async () => await loop.Statuses.ReadAsync("alpha", CancellationToken.None) is { Managed: false }, Bound);
            var calls = reconciler.CallsFor("alpha");
            await Task.Delay(600); // three resync periods
            var document = await loop.Statuses.ReadAsync("alpha", CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(unmanaged, Is.True);
                Assert.That(reconciler.CallsFor("alpha"), Is.EqualTo(calls), "no reconcile after the deletion");
                Assert.That(Conditions.Get(document!.Status.Conditions, ConditionTypes.Ready)?.Reason, Is.EqualTo(ConditionReasons.ManifestDeleted));
                Assert.That(loop.Clusters, Does.Not.ContainKey("alpha"));
            });
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_Resync_ReconcilesAgainWithoutAnyChange()
    {
        await File.WriteAllTextAsync(Path.Combine(_manifests, "alpha.yaml"), DaemonTestSupport.Manifest("alpha"));
        var reconciler = new RecordingReconciler();
        var (loop, _) = Loop(reconciler, resync: TimeSpan.FromMilliseconds(200));
        await loop.StartAsync(CancellationToken.None);
        try
        {
            var again = await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("alpha") >= 3, Bound);

            Assert.That(again, Is.True);
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task StopAsync_DuringAPass_StatusSaysWhereItWasInterrupted()
    {
        await File.WriteAllTextAsync(Path.Combine(_manifests, "alpha.yaml"), DaemonTestSupport.Manifest("alpha"));
        var reconciler = new RecordingReconciler { BlockAndReportInterruptedDuring = "PrepareHost on cp1" };
        var (loop, _) = Loop(reconciler);
        await loop.StartAsync(CancellationToken.None);
        await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("alpha") > 0, Bound);

        using var timeout = new CancellationTokenSource(Bound);
        await loop.StopAsync(timeout.Token);
        var document = await loop.Statuses.ReadAsync("alpha", CancellationToken.None);
        var ready = Conditions.Get(document!.Status.Conditions, ConditionTypes.Ready);

        Assert.Multiple(() =>
        {
            Assert.That(ready?.Reason, Is.EqualTo(ConditionReasons.Interrupted));
            Assert.That(ready?.Message, Does.StartWith("interrupted during PrepareHost on cp1"));
            Assert.That(document.Status.ObservedGeneration, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ExecuteAsync_ManifestChanged_GenerationCountsChangesAndSurvivesRestart()
    {
        var file = Path.Combine(_manifests, "alpha.yaml");
        await File.WriteAllTextAsync(file, DaemonTestSupport.Manifest("alpha"));
        var reconciler = new RecordingReconciler();
        var (loop, _) = Loop(reconciler);
        await loop.StartAsync(CancellationToken.None);
        await DaemonTestSupport.EventuallyAsync(async () => await loop.Statuses.ReadAsync("alpha", CancellationToken.None) is { Status.ObservedGeneration: 1 }, Bound);
        await File.WriteAllTextAsync(file, DaemonTestSupport.Manifest("alpha", paused: true));
        var second = await DaemonTestSupport.EventuallyAsync(async () => await loop.Statuses.ReadAsync("alpha", CancellationToken.None) is { Status.ObservedGeneration: 2 }, Bound);
        await loop.StopAsync(CancellationToken.None);

        var (restarted, _) = Loop(new RecordingReconciler());
        await restarted.StartAsync(CancellationToken.None);
        try
        {
            await DaemonTestSupport.EventuallyAsync(() => restarted.Clusters.ContainsKey("alpha"), Bound);

            Assert.Multiple(() =>
            {
                Assert.That(second, Is.True);
                Assert.That(restarted.Clusters["alpha"].Generation, Is.EqualTo(2), "an unchanged manifest keeps its generation across a restart");
            });
        }
        finally
        {
            await restarted.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_TwoDaemonsOnOneStateDirectory_ExactlyOneActsAndTheOtherTakesOver()
    {
        await File.WriteAllTextAsync(Path.Combine(_manifests, "alpha.yaml"), DaemonTestSupport.Manifest("alpha"));
        var first = new RecordingReconciler();
        var second = new RecordingReconciler();
        var (leader, leaderHealth) = Loop(first);
        var (standby, standbyHealth) = Loop(second);
        await leader.StartAsync(CancellationToken.None);
        await leader.Leading.WaitAsync(Bound);
        await standby.StartAsync(CancellationToken.None);
        try
        {
            await DaemonTestSupport.EventuallyAsync(() => !first.Calls.IsEmpty, Bound);
            await Task.Delay(500); // five lock attempts by the standby
            var standbyCallsWhileLeaderRuns = second.Calls.Count;
            var standbyReady = standbyHealth.IsReady;
            var leaderReady = leaderHealth.IsReady;

            await leader.StopAsync(CancellationToken.None);
            var tookOver = await DaemonTestSupport.EventuallyAsync(() => !second.Calls.IsEmpty, Bound);

            Assert.Multiple(() =>
            {
                Assert.That(standbyCallsWhileLeaderRuns, Is.Zero, "the standby does not act");
                Assert.That(leaderReady, Is.True);
                Assert.That(standbyReady, Is.False, "a standby is live but not ready");
                Assert.That(tookOver, Is.True, "the standby takes over when the leader stops");
                Assert.That(standbyHealth.IsReady, Is.True);
            });
        }
        finally
        {
            await leader.StopAsync(CancellationToken.None);
            await standby.StopAsync(CancellationToken.None);
        }
    }

    private (ReconcileLoop Loop, HealthState Health) Loop(IClusterReconciler reconciler, TimeSpan? resync = null)
    {
        var options = new DaemonOptions
        {
            ManifestsDirectory = _manifests,
            StateDirectory = _state,
            Resync = resync ?? TimeSpan.FromMinutes(10),
            Debounce = TimeSpan.FromMilliseconds(50),
            LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
        };
        var health = new HealthState();
        return (new ReconcileLoop(options, reconciler, health, TimeProvider.System, NullLogger<ReconcileLoop>.Instance), health);
    }
}
