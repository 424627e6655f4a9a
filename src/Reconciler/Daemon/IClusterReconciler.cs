using HaKube.Model.Loading;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Brings one cluster one pass closer to its manifest: observe (probe every host), plan, and -
/// unless the cluster is paused or the daemon observes only - run steps. Level-based: every pass
/// re-observes the hosts and never trusts what an earlier pass concluded.
/// </summary>
/// <remarks>
/// The contract, implemented once by <see cref="ReconcileLoop"/>; reconcilers never touch the queue:
/// <list type="bullet">
/// <item>A returned result is written as the cluster's status. <see cref="ReconcileResult.Failed"/>
/// requeues with rate-limited exponential backoff; otherwise the backoff is reset and the cluster
/// comes back after <see cref="ReconcileResult.RequeueAfter"/>, or at the next resync.</item>
/// <item>Any exception other than cancellation is a failed pass (backoff); its message becomes the status.</item>
/// <item><see cref="TerminalReconcileException"/>: reported, not retried until the manifest changes or the next resync.</item>
/// <item>Cancellation means the daemon is stopping: <see cref="ReconcileInterruptedException"/> says
/// where, so the status can say which host may be half-changed.</item>
/// <item>The loop never runs two passes of one cluster at once.</item>
/// </list>
/// </remarks>
public interface IClusterReconciler
{
    Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken);
}
