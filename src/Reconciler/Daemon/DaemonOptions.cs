using HaKube.Actions.State;

namespace HaKube.Reconciler.Daemon;

/// <summary>How <c>hakube run</c> behaves; every default is stated here and in the command's help.</summary>
public sealed record DaemonOptions
{
    /// <summary>The manifest directory (a GitOps checkout), watched recursively.</summary>
    public required string ManifestsDirectory { get; init; }

    /// <summary>The state directory: authorities, statuses, the leader lock. Default /var/lib/hakube.</summary>
    public string StateDirectory { get; init; } = ClusterStateStore.DefaultRoot;

    /// <summary>Every cluster is reconciled at least this often, so drift is found without any event. Default 60 s.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Clusters reconciled at once (one cluster is never reconciled twice at once). Default 4.</summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary>Quiet time after a manifest write before it is read. Default 200 ms.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a standby daemon tries the leader lock. Default 2 s.</summary>
    public TimeSpan LeaderRetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound on one reconcile pass (a bring-up takes minutes). Default 30 minutes.</summary>
    public TimeSpan ReconcileTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Probe and plan only, change no host (as if every cluster were paused). Default false.</summary>
    public bool ObserveOnly { get; init; }

    /// <summary>Scheduled etcd snapshots larger than this are not downloaded (--max-snapshot-size). Default 8 GiB.</summary>
    public long MaxSnapshotBytes { get; init; } = HaKube.Actions.Snapshots.EtcdSnapshotter.DefaultMaxBytes;

    /// <summary>Folders besides each manifest's own where its key and known_hosts files may resolve (--allow-paths-outside). Default none.</summary>
    public IReadOnlyList<string> AllowPathsOutside { get; init; } = [];

    /// <summary>After a pass that ran steps, come back this soon to re-observe and continue. Default 1 s.</summary>
    public TimeSpan RequeueAfterSteps { get; init; } = TimeSpan.FromSeconds(1);
}
