namespace HaKube.Reconciler.Snapshots;

/// <summary>
/// The EtcdSnapshot condition, present when spec.etcd.snapshots is set. It does not count towards
/// Ready: a missed backup is reported, but the cluster itself still matches its manifest.
/// </summary>
internal static class SnapshotConditions
{
    public const string Type = "EtcdSnapshot";

    /// <summary>True: a snapshot was taken in this pass.</summary>
    public const string Taken = "SnapshotTaken";

    /// <summary>True: the newest snapshot is younger than the interval.</summary>
    public const string Current = "SnapshotCurrent";

    /// <summary>False: the last attempt failed; the message says why; it is retried after a delay.</summary>
    public const string Failed = "SnapshotFailed";

    /// <summary>False: a snapshot is due but no member is healthy within a quorum, so none was taken.</summary>
    public const string NoHealthyMember = "NoHealthyMember";

    /// <summary>False: a snapshot is due but the daemon observes only (--dry-run).</summary>
    public const string Overdue = "SnapshotOverdue";
}
