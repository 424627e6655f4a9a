using HaKube.Model.Loading;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// One level-based pass of one cluster (every pass re-observes; nothing an earlier pass concluded is
/// trusted). <see cref="ReconcileDispatcher"/> runs it and acts on how it ends (the contract: docs/design-notes.md).
/// </summary>
public interface IClusterReconciler
{
    Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken);
}
