using HaKube.Actions.State;

namespace HaKube.Actions.Snapshots;

/// <summary>A snapshot kept in the state store, and what verified it on the host.</summary>
public sealed record TakenSnapshot(string Host, StoredSnapshot Stored, string Sha256, EtcdSnapshotStatus Status);
