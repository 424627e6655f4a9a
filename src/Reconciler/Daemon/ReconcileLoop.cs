using System.Collections.Concurrent;
using HaKube.Model.Status;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Directory mode's daemon: takes the leader lock (or waits for it), watches the manifest directory,
/// and hands each valid cluster's pass from the work queue to the <see cref="ReconcileDispatcher"/>
/// (on every change, after failures, at every resync); invalid and deleted manifests are its own.
/// </summary>
public sealed class ReconcileLoop(DaemonOptions options, IClusterReconciler reconciler, HealthState health, TimeProvider time, ILogger<ReconcileLoop> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ClusterRecord> _clusters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reacted = new(StringComparer.Ordinal);
    private readonly StatusWriter _statuses = new(options.StateDirectory);
    private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ReconcileDispatcher _dispatcher = new(reconciler, options, time, logger);
    private WorkQueue? _queue;

    /// <summary>Completes when this daemon holds the leader lock and starts acting.</summary>
    public Task Leading => _leading.Task;

    public StatusWriter Statuses => _statuses;

    /// <summary>The clusters currently declared in the directory, by name.</summary>
    public IReadOnlyDictionary<string, ClusterRecord> Clusters => _clusters;

    /// <summary>Milliseconds from a manifest change being noticed to its reconcile starting, for the last such change.</summary>
    public double? LastReactionMs { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        health.SetNotReady("waiting for the leader lock");
        await using var leader = new DirectoryLeaderLock(options.StateDirectory, time, logger) { RetryInterval = options.LeaderRetryInterval };
        using var queue = new WorkQueue(time);
        using var source = new DirectorySource(options.ManifestsDirectory, time, logger, options.AllowPathsOutside) { Debounce = options.Debounce };
        _queue = queue;
        try
        {
            await leader.AcquireAsync(stoppingToken);
            _leading.TrySetResult();
            Log.Watching(logger, Path.GetFullPath(options.ManifestsDirectory), options.Resync.TotalSeconds, options.MaxParallel, options.ObserveOnly ? " (dry run: observe and plan only)" : "");
            var watching = source.RunAsync(stoppingToken);
            var applying = ApplyEventsAsync(source, queue, stoppingToken);
            queue.StartResync(options.Resync, () => _clusters.Values.Where(c => c.IsValid).Select(c => c.Name).ToList());
            var working = QueueWorkers.RunAsync(queue, options.MaxParallel, ProcessAsync, stoppingToken);
            await Task.WhenAny(source.Scanned, watching);
            if (source.Scanned.IsCompletedSuccessfully)
            {
                health.SetReady();
            }

            await Task.WhenAll(watching, applying, working);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the workers have returned, each having recorded an interrupted pass.
        }
        catch (Exception e)
        {
            health.SetFailed(e.Message);
            Log.LoopFailed(logger, e, e.Message);
            throw;
        }
        finally
        {
            queue.ShutDown();
            health.SetNotReady("stopped");
        }
    }

    private async Task ApplyEventsAsync(DirectorySource source, WorkQueue queue, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in source.Events.ReadAllAsync(cancellationToken))
            {
                if (change.Kind == ManifestEventKind.Unattributed)
                {
                    var errors = change.Errors.Select(e => e.ToString()).ToList();
                    if (errors.Count > 0)
                    {
                        Log.UnattributedErrors(logger, string.Join(" | ", errors));
                    }

                    await _statuses.WriteUnattributedAsync(errors, time.GetUtcNow(), cancellationToken);
                    continue;
                }

                await ApplyAsync(change, cancellationToken);
                queue.Add(change.Cluster);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ApplyAsync(ManifestEvent change, CancellationToken cancellationToken)
    {
        var name = change.Cluster;
        var before = _clusters.GetValueOrDefault(name);
        switch (change.Kind)
        {
            case ManifestEventKind.Deleted:
                _clusters.TryRemove(name, out _);
                break;
            case ManifestEventKind.Invalid:
                _clusters[name] = new ClusterRecord(name, null, change.Errors, before?.SpecHash, change.File, before?.Generation ?? 0, change.NoticedAt);
                break;
            case ManifestEventKind.Upserted:
                var generation = before is not null
                    ? before.SpecHash == change.SpecHash ? before.Generation : before.Generation + 1
                    : await FirstGenerationAsync(name, change.SpecHash, cancellationToken);
                _clusters[name] = new ClusterRecord(name, change.Manifest, [], change.SpecHash, change.File, generation, change.NoticedAt);
                break;
        }
    }

    // Directory mode has no metadata.generation: it continues the count in the last status file,
    // so a restart with an unchanged manifest keeps the generation it had.
    private async Task<long> FirstGenerationAsync(string name, string? specHash, CancellationToken cancellationToken)
    {
        var last = await _statuses.ReadAsync(name, cancellationToken);
        var generation = last?.Status.ObservedGeneration ?? 0;
        return last?.SpecHash == specHash && generation > 0 ? generation : generation + 1;
    }

    private async Task ProcessAsync(string name, CancellationToken stoppingToken)
    {
        var record = _clusters.GetValueOrDefault(name);
        var previous = await ReadPreviousAsync(name);
        if (record is null)
        {
            _queue?.Remove(name);
            if (previous is not null && previous.Managed)
            {
                Log.Unmanaged(logger, name);
                const string Message = "the manifest was removed: HaKube stopped managing this cluster and left its hosts as they are";
                var status = StatusBuilder.WithProblem(previous.Status, null, ConditionReasons.ManifestDeleted, Message, time.GetUtcNow());
                await WriteAsync(previous with { Managed = false, Status = status });
            }

            return;
        }

        if (!record.IsValid)
        {
            _queue?.Forget(name);
            var errors = record.Errors.Select(e => e.ToString()).ToList();
            Log.Invalid(logger, name, string.Join(" | ", errors));
            var message = "the manifest does not validate, so nothing is done and the hosts are left as they are:\n" + string.Join("\n", errors);
            var status = StatusBuilder.WithProblem(previous?.Status, ClusterPhase.Failed, ConditionReasons.InvalidManifest, message, time.GetUtcNow());
            await WriteAsync(Document(record, status) with { Errors = errors });
            return;
        }

        await ReconcileAsync(record, previous, stoppingToken);
    }

    private Task ReconcileAsync(ClusterRecord record, StatusDocument? previous, CancellationToken stoppingToken)
    {
        NoteReaction(record);
        var request = new ReconcileRequest(record.Name, record.Manifest!, record.Generation, previous?.Status);
        return _dispatcher.DispatchAsync(request, new StatusFileSink(this, record), _queue, stoppingToken);
    }

    private void NoteReaction(ClusterRecord record)
    {
        if (record.NoticedAt != 0 && _reacted.GetValueOrDefault(record.Name) != record.NoticedAt)
        {
            _reacted[record.Name] = record.NoticedAt;
            LastReactionMs = time.GetElapsedTime(record.NoticedAt).TotalMilliseconds;
            Log.Reaction(logger, record.Name, LastReactionMs.Value);
        }
    }

    private StatusDocument Document(ClusterRecord record, HaClusterStatus status) => new()
    {
        Cluster = record.Name,
        Manifest = record.File,
        SpecHash = record.SpecHash,
        UpdatedAt = time.GetUtcNow(),
        Status = status,
    };

    private async Task<StatusDocument?> ReadPreviousAsync(string name)
    {
        try
        {
            return await _statuses.ReadAsync(name, CancellationToken.None);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Status is written even while stopping (with no token): it is how an interrupted pass is reported.
    // A status that cannot be written is logged, not retried: the next pass writes it again.
    private async Task WriteAsync(StatusDocument document)
    {
        try
        {
            await _statuses.WriteAsync(document, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Log.StatusWriteFailed(logger, document.Cluster, e.Message);
        }
    }

    /// <summary>Directory mode's status sink: the cluster's status file.</summary>
    private sealed class StatusFileSink(ReconcileLoop loop, ClusterRecord record) : IStatusSink
    {
        public string InterruptedMeaning => "the daemon stopped; the hosts named may be half-changed, and the next reconcile re-probes them and repeats what is still needed";

        public Task WriteAsync(PassReport report, CancellationToken cancellationToken) => loop.WriteAsync(loop.Document(record, report.Status));
    }
}
