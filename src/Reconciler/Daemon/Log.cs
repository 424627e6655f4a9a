using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>Log lines of the daemon: cluster names, steps, hosts, durations and reasons - never commands or keys.</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Reconciling cluster {Cluster} (generation {Generation})")]
    public static partial void Reconciling(ILogger logger, string cluster, long generation);

    [LoggerMessage(4002, LogLevel.Information, "Reconciled cluster {Cluster}: phase {Phase}, {Steps} step(s) pending, {StepsRun} run, in {ElapsedMs:0} ms")]
    public static partial void Reconciled(ILogger logger, string cluster, string phase, int steps, int stepsRun, double elapsedMs);

    [LoggerMessage(4003, LogLevel.Warning, "Reconcile of cluster {Cluster} failed ({Reason}); retrying in {DelayMs:0} ms")]
    public static partial void ReconcileFailed(ILogger logger, string cluster, string reason, double delayMs);

    [LoggerMessage(4004, LogLevel.Error, "Reconcile of cluster {Cluster} failed and will not be retried until its manifest changes or the next resync: {Reason}")]
    public static partial void ReconcileTerminal(ILogger logger, string cluster, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "Stopping: reconcile of cluster {Cluster} interrupted during {Where}; recorded in its status")]
    public static partial void Interrupted(ILogger logger, string cluster, string where);

    [LoggerMessage(4006, LogLevel.Error, "Manifest of cluster {Cluster} is invalid; its hosts are left as they are: {Errors}")]
    public static partial void Invalid(ILogger logger, string cluster, string errors);

    [LoggerMessage(4007, LogLevel.Warning, "Manifest of cluster {Cluster} was removed; HaKube stops managing it and tears nothing down")]
    public static partial void Unmanaged(ILogger logger, string cluster);

    [LoggerMessage(4008, LogLevel.Information, "Watching {Directory}: resync every {ResyncSeconds} s, {MaxParallel} cluster(s) at once{Mode}")]
    public static partial void Watching(ILogger logger, string directory, double resyncSeconds, int maxParallel, string mode);

    [LoggerMessage(4009, LogLevel.Error, "The daemon loop failed: {Reason}")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(4010, LogLevel.Error, "Writing the status of cluster {Cluster} failed: {Reason}")]
    public static partial void StatusWriteFailed(ILogger logger, string cluster, string reason);

    [LoggerMessage(4011, LogLevel.Information, "Cluster {Cluster}: reconcile started {ReactionMs:0} ms after its manifest changed")]
    public static partial void Reaction(ILogger logger, string cluster, double reactionMs);

    [LoggerMessage(4012, LogLevel.Information, "Cluster {Cluster}: step {Step} on {Hosts}")]
    public static partial void StepStarted(ILogger logger, string cluster, string step, string hosts);

    [LoggerMessage(4013, LogLevel.Warning, "Cluster {Cluster}: step {Step} on {Hosts} failed: {Reason}")]
    public static partial void StepFailed(ILogger logger, string cluster, string step, string hosts, string reason);

    [LoggerMessage(4014, LogLevel.Error, "Manifest files that name no cluster are not acted on: {Errors}")]
    public static partial void UnattributedErrors(ILogger logger, string errors);
}
