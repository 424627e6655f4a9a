using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Snapshots;

/// <summary>Log lines of scheduled snapshots: cluster, host, file names and reasons, never content.</summary>
internal static partial class Log
{
    [LoggerMessage(4601, LogLevel.Information, "{Cluster}: scheduled etcd snapshot due; taking it from {Host} ({Reason})")]
    public static partial void Due(ILogger logger, string cluster, string host, string reason);

    [LoggerMessage(4602, LogLevel.Warning, "{Cluster}: scheduled etcd snapshot due but not taken: {Reason}")]
    public static partial void NoSource(ILogger logger, string cluster, string reason);

    [LoggerMessage(4603, LogLevel.Warning, "{Cluster}: scheduled etcd snapshot failed: {Reason}")]
    public static partial void Failed(ILogger logger, string cluster, string reason);

    [LoggerMessage(4604, LogLevel.Information, "{Cluster}: retention removed etcd snapshot {File}")]
    public static partial void Pruned(ILogger logger, string cluster, string file);
}
