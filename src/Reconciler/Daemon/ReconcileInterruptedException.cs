using HaKube.Model.Status;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// The daemon stopped while a pass was running. <see cref="Where"/> names the step and hosts that
/// were running ("PrepareHost on w1, w2"), or the stage ("probe"), so the status can say which hosts
/// may be half-changed; the next pass re-probes them and repeats whatever is still needed.
/// </summary>
internal sealed class ReconcileInterruptedException : OperationCanceledException
{
    public ReconcileInterruptedException()
        : this("reconcile", null, CancellationToken.None)
    {
    }

    public ReconcileInterruptedException(string message)
        : this(message, null, CancellationToken.None)
    {
    }

    public ReconcileInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Where = message;
    }

    public ReconcileInterruptedException(string where, HaClusterStatus? observed, CancellationToken token)
        : base($"interrupted during {where}", token)
    {
        Where = where;
        Observed = observed;
    }

    /// <summary>The step and hosts, or the stage, that was running.</summary>
    public string Where { get; }

    /// <summary>What the pass had observed before it was cut short, if it got that far.</summary>
    public HaClusterStatus? Observed { get; }
}
