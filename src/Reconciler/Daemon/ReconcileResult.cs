using HaKube.Model.Status;

namespace HaKube.Reconciler.Daemon;

/// <summary>How one reconcile pass ended; see <see cref="ReconcileDispatcher"/> for what each field makes the daemon do.</summary>
public sealed record ReconcileResult
{
    /// <summary>What the pass observed and planned; the dispatcher stamps observedGeneration before writing it.</summary>
    public required HaClusterStatus Status { get; init; }

    /// <summary>Come back this soon (steps ran and the hosts should be re-observed); null waits for the resync.</summary>
    public TimeSpan? RequeueAfter { get; init; }

    /// <summary>The pass did not do what it set out to (a step failed, a host key was refused): retry with backoff.</summary>
    public bool Failed { get; init; }

    /// <summary>Steps that ran in this pass.</summary>
    public int StepsRun { get; init; }
}
