using System.Collections.Concurrent;
using System.Globalization;
using HaKube.Actions.Snapshots;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Status;
using HaKube.Reconciler.Execution;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Snapshots;

/// <summary>
/// The daemon's scheduled etcd snapshots (spec.etcd.snapshots), taken after a pass's probe when due, with
/// retention and status. Snapshots are reads, so they run while paused too; a failure waits before a retry.
/// </summary>
/// <param name="time">The daemon clock.</param>
/// <param name="logger">Where snapshot events are logged.</param>
/// <param name="stateRoot">The daemon's --state-dir: where snapshots go when the state store is not a folder (Secrets).</param>
/// <param name="connect">How to reach a member host; null: the session's pooled connection (tests pass a fake host).</param>
/// <param name="maxSnapshotBytes">A snapshot larger than this is not downloaded (--max-snapshot-size).</param>
internal sealed class ScheduledSnapshots(
    TimeProvider time, ILogger logger, string stateRoot, Func<ClusterSession, string, IHostConnection>? connect = null, long maxSnapshotBytes = EtcdSnapshotter.DefaultMaxBytes)
{
    private readonly ConcurrentDictionary<string, Failure> _failures = new(StringComparer.Ordinal);
    // Which member each snapshot this daemon took came from (the file name does not say); by path.
    private readonly ConcurrentDictionary<string, string> _takenFrom = new(StringComparer.Ordinal);
    private readonly EtcdSnapshotter _snapshotter = new(time, logger) { MaxBytes = maxSnapshotBytes };
    private readonly Func<ClusterSession, string, IHostConnection> _connect = connect ?? ((session, host) => session.Connect(host));

    /// <summary><paramref name="status"/> with the snapshot condition and newest snapshot; unchanged when the spec asks for no snapshots.</summary>
    public async Task<HaClusterStatus> RunAsync(ClusterSession session, IReadOnlyList<HostFacts> facts, HaClusterStatus status, bool observeOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(status);
        var cluster = session.Cluster.Metadata.Name;
        if (session.Cluster.Spec.Etcd.Snapshots is not { } spec || !Duration.TryParse(spec.Interval, out var interval))
        {
            _failures.TryRemove(cluster, out _);
            return status;
        }

        var store = EtcdSnapshotStore.For(session.Store, stateRoot, session.Cluster.Metadata.Namespace, cluster);
        var now = time.GetUtcNow();
        var failure = _failures.GetValueOrDefault(cluster);
        var newest = store.Newest();
        Condition condition;
        if (!SnapshotSchedule.IsDue(newest?.TakenAt, interval, now, failure?.At))
        {
            condition = failure is not null && (newest is null || newest.TakenAt < failure.At)
                ? Make(ConditionStatus.False, SnapshotConditions.Failed, $"{failure.Message}; retried at {Stamp(SnapshotSchedule.NextDue(newest?.TakenAt, interval, now, failure.At))}", now)
                : Make(ConditionStatus.True, SnapshotConditions.Current, $"newest {Path.GetFileName(newest!.Path)}{From(newest)}; next due at {Stamp(newest.TakenAt + interval)}", now);
        }
        else if (observeOnly)
        {
            condition = Make(ConditionStatus.False, SnapshotConditions.Overdue, "a snapshot is due, but the daemon runs with --dry-run and takes none", now);
        }
        else
        {
            (condition, newest) = await TakeAsync(session, facts, store, newest, now, cancellationToken);
        }

        if (!observeOnly)
        {
            foreach (var pruned in store.Prune(spec.Keep))
            {
                Log.Pruned(logger, cluster, Path.GetFileName(pruned.Path));
                _takenFrom.TryRemove(pruned.Path, out _);
            }
        }

        return status with
        {
            Conditions = Conditions.Set(status.Conditions, condition),
            LastEtcdSnapshot = newest is null ? null : new EtcdSnapshotInfo { TakenAt = newest.TakenAt, File = newest.Path, Size = newest.Size },
        };
    }

    private async Task<(Condition Condition, StoredSnapshot? Newest)> TakeAsync(
        ClusterSession session, IReadOnlyList<HostFacts> facts, EtcdSnapshotStore store, StoredSnapshot? newest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cluster = session.Cluster.Metadata.Name;
        var (host, reason) = SnapshotSource.Pick(session.Cluster.Spec, facts);
        if (host is null)
        {
            Log.NoSource(logger, cluster, reason);
            return (Make(ConditionStatus.False, SnapshotConditions.NoHealthyMember, $"a snapshot is due, but {reason}", now), newest);
        }

        Log.Due(logger, cluster, host.Name, reason);
        try
        {
            var taken = await _snapshotter.TakeAsync(_connect(session, host.Name), host.Address, store, null, cancellationToken);
            _failures.TryRemove(cluster, out _);
            _takenFrom[taken.Stored.Path] = taken.Host;
            var message = $"{Path.GetFileName(taken.Stored.Path)} from {taken.Host}: {taken.Stored.Size} bytes, revision {taken.Status.Revision}, {taken.Status.TotalKeys} keys";
            return (Make(ConditionStatus.True, SnapshotConditions.Taken, message, now), taken.Stored);
        }
        catch (Exception e) when (e is EtcdSnapshotException or IOException or UnauthorizedAccessException)
        {
            Log.Failed(logger, cluster, e.Message);
            _failures[cluster] = new Failure(now, e.Message);
            return (Make(ConditionStatus.False, SnapshotConditions.Failed, e.Message, now), newest);
        }
    }

    private string From(StoredSnapshot snapshot) => _takenFrom.TryGetValue(snapshot.Path, out var host) ? " from " + host : "";

    private static Condition Make(string status, string reason, string message, DateTimeOffset now) =>
        Conditions.Make(SnapshotConditions.Type, status, reason, message, now, null);

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private sealed record Failure(DateTimeOffset At, string Message);
}
