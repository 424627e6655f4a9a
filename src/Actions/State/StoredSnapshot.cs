namespace HaKube.Actions.State;

/// <summary>One snapshot file; TakenAt (UTC, to the second) and Sequence (the -N) come from its name.</summary>
public sealed record StoredSnapshot(string Path, DateTimeOffset TakenAt, long Size, int Sequence = 0);
