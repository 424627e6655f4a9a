namespace HaKube.Actions.State;

/// <summary>Which snapshots retention removes: pure, so it is tested without files.</summary>
public static class SnapshotRetention
{
    /// <summary>The snapshots beyond the newest <paramref name="keep"/>, oldest first (by time, then by sequence within a second).</summary>
    public static IReadOnlyList<StoredSnapshot> Expired(IReadOnlyList<StoredSnapshot> snapshots, int keep)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var ordered = snapshots.OrderBy(s => s.TakenAt).ThenBy(s => s.Sequence).ToList();
        return ordered.Count <= keep ? [] : ordered.Take(ordered.Count - keep).ToList();
    }
}
