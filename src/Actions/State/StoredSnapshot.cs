namespace HaKube.Actions.State;

/// <summary>One snapshot file in the state store.</summary>
/// <param name="Path">Absolute path of the .db file.</param>
/// <param name="TakenAt">When it was taken (UTC, to the second), from its name.</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sequence">Which snapshot of that second it is (0 for the first, then 1, 2, ... from the "-N" after the stamp): orders snapshots taken within one second.</param>
public sealed record StoredSnapshot(string Path, DateTimeOffset TakenAt, long Size, int Sequence = 0);
