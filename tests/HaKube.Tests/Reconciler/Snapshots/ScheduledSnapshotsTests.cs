using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Status;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Snapshots;
using HaKube.Tests.Actions.Snapshots;
using HaKube.Tests.Model.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Reconciler.Snapshots;

/// <summary>The daemon's snapshot schedule on a fake clock, with a fake member host: when one is taken, retention, failures, status.</summary>
[TestFixture]
public sealed class ScheduledSnapshotsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private string _root = "";
    private SshConnectionPool? _pool;
    private FakeTimeProvider _time = new(Start);
    private FakeSnapshotHost _host = new("cp1");

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("hakube-scheduled-").FullName;
        _pool = new SshConnectionPool();
        _time = new FakeTimeProvider(Start);
        _host = new FakeSnapshotHost("cp1");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _pool!.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task RunAsync_NoSnapshotsInTheSpec_StatusUnchangedAndNothingRuns()
    {
        var (session, facts) = Session(null);
        var before = new HaClusterStatus { Phase = ClusterPhase.Ready };

        var after = await Scheduler().RunAsync(session, facts, before, observeOnly: false, CancellationToken.None);

        Assert.That(after, Is.SameAs(before));
        Assert.That(_host.Scripts, Is.Empty);
    }

    [Test]
    public async Task RunAsync_FirstPassWithHealthyEtcd_TakesOneAtOnceAndReportsIt()
    {
        var (session, facts) = Session(new EtcdSnapshotsSpec { Interval = "6h", Keep = 3 });

        var status = await Scheduler().RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);

        var condition = Conditions.Get(status.Conditions, SnapshotConditions.Type);
        Assert.Multiple(() =>
        {
            Assert.That(_host.Saves, Is.EqualTo(1));
            Assert.That(condition?.Status, Is.EqualTo(ConditionStatus.True));
            Assert.That(condition?.Reason, Is.EqualTo(SnapshotConditions.Taken));
            Assert.That(condition?.Message, Does.Contain("demo-20261129T120000Z.db from cp1").And.Contain("revision 42"));
            Assert.That(status.LastEtcdSnapshot?.TakenAt, Is.EqualTo(Start));
            Assert.That(status.LastEtcdSnapshot?.Size, Is.EqualTo(_host.Content.Length));
            Assert.That(File.Exists(status.LastEtcdSnapshot?.File), Is.True);
        });
    }

    [Test]
    public async Task RunAsync_BeforeAndAfterTheInterval_TakesTheNextOneOnlyWhenDue()
    {
        var (session, facts) = Session(new EtcdSnapshotsSpec { Interval = "6h", Keep = 3 });
        var scheduler = Scheduler();
        await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);

        _time.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1));
        var early = await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);
        var savesEarly = _host.Saves;
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(savesEarly, Is.EqualTo(1));
            Assert.That(Conditions.Get(early.Conditions, SnapshotConditions.Type)?.Reason, Is.EqualTo(SnapshotConditions.Current));
            Assert.That(Conditions.Get(early.Conditions, SnapshotConditions.Type)?.Message, Does.Contain("newest demo-20261129T120000Z.db from cp1; next due at 2026-11-29 18:00:00 UTC"));
            Assert.That(_host.Saves, Is.EqualTo(2));
            Assert.That(due.LastEtcdSnapshot?.TakenAt, Is.EqualTo(Start.AddHours(6)));
        });
    }

    [Test]
    public async Task RunAsync_MoreSnapshotsThanKeep_OldestAreDeleted()
    {
        var (session, facts) = Session(new EtcdSnapshotsSpec { Interval = "1h", Keep = 2 });
        var scheduler = Scheduler();
        for (var i = 0; i < 4; i++)
        {
            await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);
            _time.Advance(TimeSpan.FromHours(1));
        }

        var kept = EtcdSnapshotStore.For(session.Store, _root, null, "demo").List();

        Assert.That(_host.Saves, Is.EqualTo(4));
        Assert.That(kept.Select(s => s.TakenAt), Is.EqualTo(new[] { Start.AddHours(2), Start.AddHours(3) }));
    }

    [Test]
    public async Task RunAsync_SaveFails_FailedInStatusAndRetriedOnlyAfterTheDelay()
    {
        var (session, facts) = Session(new EtcdSnapshotsSpec { Interval = "6h" });
        var scheduler = Scheduler();
        _host.SaveError = "Error: context deadline exceeded";

        var failed = await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var waiting = await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);
        var savesWhileWaiting = _host.Saves;
        _host.SaveError = null;
        _time.Advance(SnapshotSchedule.RetryAfterFailure);
        var recovered = await scheduler.RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Conditions.Get(failed.Conditions, SnapshotConditions.Type)?.Reason, Is.EqualTo(SnapshotConditions.Failed));
            Assert.That(Conditions.Get(failed.Conditions, SnapshotConditions.Type)?.Message, Does.Contain("context deadline exceeded"));
            Assert.That(failed.LastEtcdSnapshot, Is.Null);
            Assert.That(savesWhileWaiting, Is.EqualTo(1), "no second attempt within the retry delay");
            Assert.That(Conditions.Get(waiting.Conditions, SnapshotConditions.Type)?.Reason, Is.EqualTo(SnapshotConditions.Failed));
            Assert.That(Conditions.Get(waiting.Conditions, SnapshotConditions.Type)?.Message, Does.Contain("retried at 2026-11-29 12:05:00 UTC"));
            Assert.That(Conditions.Get(recovered.Conditions, SnapshotConditions.Type)?.Reason, Is.EqualTo(SnapshotConditions.Taken));
            Assert.That(_host.Saves, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RunAsync_NoQuorum_NothingRunsAndStatusSaysWhy()
    {
        var (session, facts) = Session(new EtcdSnapshotsSpec());
        facts = facts.Select(f => f.Etcd is null ? f : f with { Etcd = f.Etcd with { Healthy = f.Host == "cp3" } }).ToList();

        var status = await Scheduler().RunAsync(session, facts, new HaClusterStatus(), false, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(_host.Scripts, Is.Empty);
            Assert.That(Conditions.Get(status.Conditions, SnapshotConditions.Type)?.Reason, Is.EqualTo(SnapshotConditions.NoHealthyMember));
            Assert.That(Conditions.Get(status.Conditions, SnapshotConditions.Type)?.Status, Is.EqualTo(ConditionStatus.False));
        });
    }

    [Test]
    public async Task RunAsync_ObserveOnly_TakesNoneAndReportsItOverdue()
    {
        var (session, facts) = Session(new EtcdSnapshotsSpec());

        var status = await Scheduler().RunAsync(session, facts, new HaClusterStatus(), observeOnly: true, CancellationToken.None);

        Assert.That(_host.Scripts, Is.Empty);
        Assert.That(Conditions.Get(status.Conditions, SnapshotConditions.Type)?.Reason, Is.EqualTo(SnapshotConditions.Overdue));
    }

    [TestCase(null, null, true)]
    [TestCase(-6.0, null, true)]
    [TestCase(-5.9, null, false)]
    [TestCase(-7.0, -0.05, false)]
    [TestCase(-7.0, -0.1, true)]
    public void IsDue_NewestAndLastFailure_DueOnlyPastTheIntervalAndTheRetryDelay(double? newestHoursAgo, double? failedHoursAgo, bool due)
    {
        var now = _time.GetUtcNow();
        var newest = newestHoursAgo is { } n ? now.AddHours(n) : (DateTimeOffset?)null;
        var failed = failedHoursAgo is { } f ? now.AddHours(f) : (DateTimeOffset?)null;

        Assert.That(SnapshotSchedule.IsDue(newest, TimeSpan.FromHours(6), now, failed), Is.EqualTo(due));
    }

    private ScheduledSnapshots Scheduler() =>
        new(_time, NullLogger.Instance, _root, (_, host) => host == _host.Host ? _host : throw new InvalidOperationException($"no fake for {host}"));

    private (ClusterSession Session, IReadOnlyList<HostFacts> Facts) Session(EtcdSnapshotsSpec? snapshots)
    {
        var cluster = Clusters.Spec(workers: 0, loadBalancers: 0);
        cluster = cluster with { Spec = cluster.Spec with { Etcd = cluster.Spec.Etcd with { Snapshots = snapshots } } };
        var session = new ClusterSession(cluster, [], _pool!, new ClusterStateStore(_root, "demo"), _time);
        return (session, Clusters.ConvergedFacts(cluster).Values.ToList());
    }
}
