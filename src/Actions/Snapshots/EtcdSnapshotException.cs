namespace HaKube.Actions.Snapshots;

/// <summary>The message names the host and what failed, never content.</summary>
public sealed class EtcdSnapshotException : Exception
{
    public EtcdSnapshotException(string message)
        : base(message)
    {
    }

    public EtcdSnapshotException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
