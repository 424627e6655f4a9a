namespace HaKube.Actions.State;

/// <summary>Pure, so it is tested without files.</summary>
internal static class SnapshotRetention
{
    /// <summary>Beyond the newest <paramref name="keep"/>, oldest first.</summary>
    public static IReadOnlyList<StoredSnapshot> Expired(IReadOnlyList<StoredSnapshot> snapshots, int keep)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var ordered = snapshots.OrderBy(s => s.TakenAt).ThenBy(s => s.Sequence).ToList();
        return ordered.Count <= keep ? [] : ordered.Take(ordered.Count - keep).ToList();
    }
}
