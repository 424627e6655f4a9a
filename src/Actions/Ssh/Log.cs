using Microsoft.Extensions.Logging;

namespace HaKube.Actions.Ssh;

/// <summary>Never scripts, stdin or key material.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "{Host}: connecting to {Endpoint}")]
    public static partial void Connecting(ILogger logger, string host, string endpoint);

    [LoggerMessage(1002, LogLevel.Information, "{Host}: connected to {Endpoint} in {ElapsedMs:0} ms")]
    public static partial void Connected(ILogger logger, string host, string endpoint, double elapsedMs);

    [LoggerMessage(1003, LogLevel.Warning, "{Host}: connect to {Endpoint} failed ({Reason}); retry {Attempt} in {DelayMs:0} ms")]
    public static partial void ConnectRetry(ILogger logger, string host, string endpoint, string reason, int attempt, double delayMs);

    [LoggerMessage(1004, LogLevel.Error, "{Host}: host key of {Endpoint} rejected ({Verdict}): presented {Presented}, expected {Expected} from {Source}")]
    public static partial void HostKeyRejected(ILogger logger, string host, string endpoint, HostKeyVerdict verdict, string presented, string expected, string source);

    [LoggerMessage(1005, LogLevel.Information, "{Host}: connection dropped; reconnecting")]
    public static partial void Reconnecting(ILogger logger, string host);

    [LoggerMessage(1006, LogLevel.Debug, "{Host}: {Command} started")]
    public static partial void CommandStarted(ILogger logger, string host, string command);

    [LoggerMessage(1007, LogLevel.Debug, "{Host}: {Command} ended with {Outcome} in {ElapsedMs:0.0} ms ({StdOutBytes} bytes out, {StdErrBytes} bytes err)")]
    public static partial void CommandEnded(ILogger logger, string host, string command, string outcome, double elapsedMs, long stdOutBytes, long stdErrBytes);

    [LoggerMessage(1008, LogLevel.Warning, "{Host}: {Command} output exceeded {Limit} bytes and was truncated")]
    public static partial void OutputTruncated(ILogger logger, string host, string command, int limit);

    [LoggerMessage(1009, LogLevel.Warning, "{Host}: {Command} timed out after {TimeoutMs:0} ms")]
    public static partial void CommandTimedOut(ILogger logger, string host, string command, double timeoutMs);

    [LoggerMessage(1010, LogLevel.Warning, "{Host}: connection lost while {Command} ran")]
    public static partial void ConnectionLost(ILogger logger, string host, string command);

    [LoggerMessage(1013, LogLevel.Information, "{Host}: the session had ended unseen when {Command} was to start; starting it on a new one")]
    public static partial void SessionDiedUnseen(ILogger logger, string host, string command);

    [LoggerMessage(1011, LogLevel.Debug, "{Host}: forwarding 127.0.0.1:{LocalPort} through bastion {Bastion} to {Target}")]
    public static partial void Forwarding(ILogger logger, string host, uint localPort, string bastion, string target);

    [LoggerMessage(1012, LogLevel.Debug, "{Host}: closing pooled connection")]
    public static partial void Closing(ILogger logger, string host);

    [LoggerMessage(1101, LogLevel.Information, "{Host}: probed in {ElapsedMs:0.0} ms")]
    public static partial void Probed(ILogger logger, string host, double elapsedMs);

    [LoggerMessage(1102, LogLevel.Warning, "{Host}: unreachable ({Kind}): {Reason}")]
    public static partial void ProbeUnreachable(ILogger logger, string host, string kind, string reason);
}
