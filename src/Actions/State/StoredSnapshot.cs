namespace HaKube.Actions.State;

/// <summary>One snapshot file in the state store.</summary>
/// <param name="Path">Absolute path of the .db file.</param>
/// <param name="TakenAt">When it was taken (UTC, to the second), from its name.</param>
/// <param name="Size">Bytes.</param>
public sealed record StoredSnapshot(string Path, DateTimeOffset TakenAt, long Size);
