namespace HaKube.Reconciler.Snapshots;

/// <summary>When the daemon takes the next scheduled snapshot: pure, so it is tested on a fake clock.</summary>
internal static class SnapshotSchedule
{
    /// <summary>A failed attempt is retried after this (or the interval, when shorter), not on every pass.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Due when there is no snapshot yet (the first one at once) or the newest is at least
    /// <paramref name="interval"/> old, unless an attempt failed less than the retry delay ago.
    /// </summary>
    public static bool IsDue(DateTimeOffset? newest, TimeSpan interval, DateTimeOffset now, DateTimeOffset? lastFailure)
    {
        if (lastFailure is { } failed && now - failed < RetryDelay(interval))
        {
            return false;
        }

        return newest is not { } taken || now - taken >= interval;
    }

    /// <summary>When the next snapshot is due.</summary>
    public static DateTimeOffset NextDue(DateTimeOffset? newest, TimeSpan interval, DateTimeOffset now, DateTimeOffset? lastFailure)
    {
        var due = newest is { } taken ? taken + interval : now;
        if (lastFailure is { } failed && failed + RetryDelay(interval) > due)
        {
            due = failed + RetryDelay(interval);
        }

        return due;
    }

    private static TimeSpan RetryDelay(TimeSpan interval) => interval < RetryAfterFailure ? interval : RetryAfterFailure;
}
