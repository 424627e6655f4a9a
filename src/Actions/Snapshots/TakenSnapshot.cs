using HaKube.Actions.State;

namespace HaKube.Actions.Snapshots;

/// <summary>A snapshot kept in the state store, and what verified it.</summary>
/// <param name="Host">The member host it was taken on.</param>
/// <param name="Stored">The file in the state store.</param>
/// <param name="Sha256">Its SHA-256, equal to the host's copy.</param>
/// <param name="Status">etcdctl snapshot status on the host.</param>
public sealed record TakenSnapshot(string Host, StoredSnapshot Stored, string Sha256, EtcdSnapshotStatus Status);
