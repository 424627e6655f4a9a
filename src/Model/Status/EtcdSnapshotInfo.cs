using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>The newest etcd snapshot in the state store.</summary>
public sealed record EtcdSnapshotInfo
{
    [Description("When it was taken (UTC, to the second).")]
    public required DateTimeOffset TakenAt { get; init; }

    [Description("Its file in the state store.")]
    public required string File { get; init; }

    [Description("Its size in bytes.")]
    public long Size { get; init; }
}
