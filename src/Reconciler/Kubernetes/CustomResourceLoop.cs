using System.Net;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Telemetry;
using k8s.Autorest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Custom-resource mode's daemon: while it holds the Lease, watches the namespace's HaClusters and
/// hands each valid one's pass from the work queue (key namespace/name) to the <see cref="ReconcileDispatcher"/>.
/// Its own: the finalizer (added on first sight, so a deletion is seen; removed on deletion, leaving
/// the hosts as they are) and invalid resources.
/// </summary>
public sealed partial class CustomResourceLoop(
    HaClusterApi api, KubernetesOptions kube, DaemonOptions options, IClusterReconciler reconciler, HealthState health, TimeProvider time, ILogger<CustomResourceLoop> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReconcileDispatcher _dispatcher = new(reconciler, options, time, logger);
    private HaClusterInformer? _informer;
    private WorkQueue? _queue;

    /// <summary>Completes when this daemon first holds the Lease and starts acting.</summary>
    public Task Leading => _leading.Task;

    /// <summary>True while this daemon acts (holds the Lease).</summary>
    public bool IsLeading { get; private set; }

    /// <summary>The informer of the current term, for tests and health.</summary>
    public HaClusterInformer? Informer => _informer;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.SetNotReady("waiting for the leader Lease");
        var leadership = new LeaseLeadership(api.Client, kube, logger);
        try
        {
            await leadership.RunAsync(LeadAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            health.SetFailed(e.Message);
            Daemon.Log.LoopFailed(logger, e, e.Message);
            throw;
        }
        finally
        {
            health.SetNotReady("stopped");
        }
    }

    // One term as leader: a fresh informer and queue, so nothing from an earlier term is trusted.
    private async Task LeadAsync(CancellationToken leading)
    {
        IsLeading = true;
        _leading.TrySetResult();
        using var queue = new WorkQueue(time);
        var informer = new HaClusterInformer(api.Client, kube.Namespace, queue.Add, time, logger);
        (_queue, _informer) = (queue, informer);
        LogWatching(logger, kube.Namespace, options.Resync.TotalSeconds, options.MaxParallel);
        try
        {
            var watching = informer.RunAsync(leading);
            queue.StartResync(options.Resync, () => informer.Keys);
            var working = QueueWorkers.RunAsync(queue, options.MaxParallel, ProcessAsync, leading);
            await Task.WhenAny(informer.Synced, watching);
            if (informer.Synced.IsCompletedSuccessfully)
            {
                health.SetReady();
            }

            await Task.WhenAll(watching, working);
        }
        finally
        {
            queue.ShutDown();
            IsLeading = false;
            health.SetNotReady("not leading");
        }
    }

    private async Task ProcessAsync(string key, CancellationToken leading)
    {
        var resource = _informer?.Get(key);
        if (resource is null)
        {
            _queue?.Remove(key); // gone, and not ours to finalize (or already finalized)
            return;
        }

        try
        {
            if (resource.Deleting)
            {
                await FinalizeAsync(resource, leading);
                return;
            }

            if (!resource.HasFinalizer)
            {
                resource = await api.SetFinalizersAsync(resource, [.. resource.Finalizers, HaClusterObject.Finalizer], leading);
                await EventAsync(resource, false, "Managed", "HaKube manages this cluster; deleting the HaCluster stops management and leaves the hosts as they are", leading);
            }

            await ReconcileAsync(resource, leading);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Someone changed the object meanwhile: the watch brings the new version; go again.
            _queue?.AddRateLimited(key);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
        {
            Daemon.Log.StatusWriteFailed(logger, key, e.Message);
            _queue?.AddRateLimited(key);
        }
    }

    private async Task FinalizeAsync(HaClusterObject resource, CancellationToken leading)
    {
        _queue?.Forget(resource.Key);
        if (!resource.HasFinalizer)
        {
            return;
        }

        Daemon.Log.Unmanaged(logger, resource.Key);
        await EventAsync(resource, false, ConditionReasons.ManifestDeleted, "the HaCluster is being deleted: HaKube stopped managing this cluster and left its hosts as they are", leading);
        await api.SetFinalizersAsync(resource, resource.Finalizers.Where(f => f != HaClusterObject.Finalizer).ToList(), leading);
    }

    private async Task ReconcileAsync(HaClusterObject resource, CancellationToken leading)
    {
        var key = resource.Key;
        var previous = HaClusterApi.StatusOf(resource);
        var bound = CustomResourceBinder.Bind(resource);
        if (!bound.Succeeded || bound.Manifests.Count != 1)
        {
            _queue?.Forget(key);
            var errors = bound.Errors.Select(e => e.ToString()).ToList();
            Daemon.Log.Invalid(logger, key, string.Join(" | ", errors));
            var message = "the HaCluster does not validate, so nothing is done and the hosts are left as they are:\n" + string.Join("\n", errors);
            var problem = StatusBuilder.WithProblem(previous, ClusterPhase.Failed, ConditionReasons.InvalidManifest, message, time.GetUtcNow());
            var invalid = ReconcileDispatcher.Stamp(problem, previous, resource.Generation);
            await api.WriteStatusAsync(resource, invalid, leading);
            if (previous?.ObservedGeneration != resource.Generation || previous.Phase != ClusterPhase.Failed)
            {
                await EventAsync(resource, true, ConditionReasons.InvalidManifest, message, leading);
            }

            return;
        }

        var request = new ReconcileRequest(key, bound.Manifests[0], resource.Generation, previous);
        await _dispatcher.DispatchAsync(request, new ResourceSink(this, api, resource), _queue, leading);
    }

    // An Event is a record for people, not state: failing to write one never fails the pass.
    private async Task EventAsync(HaClusterObject resource, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        try
        {
            await api.RecordEventAsync(resource, warning, reason, message, cancellationToken);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
        {
            LogEventFailed(logger, resource.Key, reason, e.Message);
        }
    }

    /// <summary>Custom-resource mode's status sink: the status subresource, and an Event for steps run, a phase change or a failure.</summary>
    private sealed class ResourceSink(CustomResourceLoop loop, HaClusterApi api, HaClusterObject resource) : IStatusSink
    {
        public string InterruptedMeaning => "the daemon stopped or lost the Lease; the next reconcile re-probes and repeats what is still needed";

        public bool Rethrows(Exception exception) => exception is HttpOperationException;

        public async Task WriteAsync(PassReport report, CancellationToken cancellationToken)
        {
            var (status, previous) = (report.Status, HaClusterApi.StatusOf(resource));
            if (report.Result is { StepsRun: > 0 } result)
            {
                await loop.EventAsync(resource, false, "StepsRun", $"ran {result.StepsRun} step(s); {status.Plan.Count} pending", cancellationToken);
            }

            await api.WriteStatusAsync(resource, status, cancellationToken);
            var ready = Conditions.Get(status.Conditions, ConditionTypes.Ready);
            switch (report.Outcome)
            {
                case PassOutcome.Terminal:
                    await loop.EventAsync(resource, true, ConditionReasons.ReconcileFailed, ready?.Message ?? "failed", cancellationToken);
                    break;
                case PassOutcome.Failed:
                case PassOutcome.Succeeded when previous?.Phase != status.Phase:
                    var failed = report.Outcome == PassOutcome.Failed;
                    await loop.EventAsync(resource, failed, ready?.Reason ?? status.Phase?.ToString() ?? "Reconciled", ready?.Message ?? $"phase {status.Phase}", cancellationToken);
                    break;
            }
        }
    }

    [LoggerMessage(4321, LogLevel.Information, "Leading: watching HaClusters in namespace {Namespace}, resync every {ResyncSeconds} s, {MaxParallel} at once")]
    private static partial void LogWatching(ILogger logger, string @namespace, double resyncSeconds, int maxParallel);

    [LoggerMessage(4322, LogLevel.Warning, "Could not record Event {Reason} on {Cluster}: {Error}")]
    private static partial void LogEventFailed(ILogger logger, string cluster, string reason, string error);
}
