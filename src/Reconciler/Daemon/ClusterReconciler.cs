using HaKube.Actions.Ssh;
using HaKube.Model.Loading;
using HaKube.Model.Status;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Snapshots;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// The daemon's driver of the pipeline, one pass of one cluster: open a session → Observe → Prepare
/// (unless paused or --dry-run) → Plan → Status → the scheduled etcd snapshot → Execute the next
/// waves (unless paused or --dry-run) and come back soon to re-observe. The dispatcher runs it.
/// </summary>
internal sealed class ClusterReconciler(SshConnectionPool pool, DaemonOptions options, TimeProvider time, ILogger<ClusterReconciler> logger, ISessionOpener? sessions = null) : IClusterReconciler
{
    // Without an opener the key comes from files, as directory mode has always read it.
    private readonly ISessionOpener _sessions = sessions ?? new FileSessionOpener(pool, options, time);
    private readonly ScheduledSnapshots _snapshots = new(time, logger, options.StateDirectory, maxSnapshotBytes: options.MaxSnapshotBytes);

    public async Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var cluster = manifest.Cluster;
        var stage = "opening SSH sessions";
        var tracker = new StepTracker(cluster.Metadata.Name, logger);
        HaClusterStatus? status = null;
        try
        {
            var session = await _sessions.OpenAsync(manifest, cancellationToken);
            var pipeline = new ClusterPipeline(session, logger, tracker);
            var acts = PassRules.Acts(cluster.Spec, options.ObserveOnly);
            stage = "the probe";
            var observed = await pipeline.ObserveAsync(cancellationToken);
            stage = "planning";
            var material = await pipeline.PrepareAsync(observed, acts, cancellationToken);
            // The whole plan, paused or not, so a paused cluster's status shows what would run; PassRules decides whether it runs.
            var pass = new Pass(observed, material, pipeline.Plan(observed, material));
            status = StatusBuilder.Observed(cluster, observed.Facts, pass.Plan, options.ObserveOnly, null, time.GetUtcNow());
            stage = "the etcd snapshot";
            status = await _snapshots.RunAsync(session, observed.Facts, status, options.ObserveOnly, cancellationToken);
            if (!PassRules.Executes(cluster.Spec, options.ObserveOnly, pass.Plan))
            {
                return new ReconcileResult { Status = status };
            }

            stage = "the steps";
            try
            {
                var ran = await pipeline.ExecuteAsync(pass, cancellationToken);
                return new ReconcileResult { Status = status, StepsRun = ran, RequeueAfter = options.RequeueAfterSteps };
            }
            catch (Exception e) when (StepFailures.Is(e))
            {
                // A status message is one line.
                var message = string.Join("; ", StepFailures.Messages(e));
                return new ReconcileResult
                {
                    Status = StatusBuilder.WithProblem(status, null, ConditionReasons.ReconcileFailed, message, time.GetUtcNow()),
                    Failed = true,
                };
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new ReconcileInterruptedException(tracker.Running ?? stage, status, cancellationToken);
        }
    }
}
