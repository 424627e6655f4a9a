using Microsoft.Extensions.Logging;

namespace HaKube.Actions.Snapshots;

/// <summary>Never content.</summary>
internal static partial class Log
{
    [LoggerMessage(1601, LogLevel.Information, "{Host}: saving an etcd snapshot")]
    public static partial void Saving(ILogger logger, string host);

    [LoggerMessage(1602, LogLevel.Information, "{Host}: etcd snapshot {File} kept ({Bytes} bytes, revision {Revision}, {Keys} keys) in {ElapsedMs:0} ms")]
    public static partial void Kept(ILogger logger, string host, string file, long bytes, long revision, long keys, double elapsedMs);

    [LoggerMessage(1603, LogLevel.Warning, "{Host}: could not remove the temporary snapshot folder {Directory}: {Reason}; the next snapshot on this host sweeps it after two hours")]
    public static partial void CleanupFailed(ILogger logger, string host, string directory, string reason);
}
