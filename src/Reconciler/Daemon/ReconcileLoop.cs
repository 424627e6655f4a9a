using System.Collections.Concurrent;
using System.Diagnostics;
using HaKube.Model.Status;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Directory mode's daemon: takes the leader lock (or waits for it), watches the manifest
/// directory, and reconciles each cluster through the work queue - on every change, after
/// failures with backoff, and at every resync. On stop, running passes get the cancellation and
/// record where they were cut short before the lock is released.
/// </summary>
public sealed class ReconcileLoop(DaemonOptions options, IClusterReconciler reconciler, HealthState health, TimeProvider time, ILogger<ReconcileLoop> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ClusterRecord> _clusters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reacted = new(StringComparer.Ordinal);
    private readonly StatusWriter _statuses = new(options.StateDirectory);
    private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
                var status = StatusBuilder.WithProblem(previous.Status, null, ConditionReasons.ManifestDeleted, "the manifest was removed: HaKube stopped managing this cluster and left its hosts as they are", time.GetUtcNow());
                await WriteAsync(previous with { Managed = false, Status = status });
            }

            return;
        }

        if (!record.IsValid)
        {
            _queue?.Forget(name);
            var errors = record.Errors.Select(e => e.ToString()).ToList();
            Log.Invalid(logger, name, string.Join(" | ", errors));
            var status = StatusBuilder.WithProblem(previous?.Status, ClusterPhase.Failed, ConditionReasons.InvalidManifest, "the manifest does not validate, so nothing is done and the hosts are left as they are:\n" + string.Join("\n", errors), time.GetUtcNow());
            await WriteAsync(Document(record, status) with { Errors = errors });
            return;
        }

        await ReconcileAsync(record, previous, stoppingToken);
    }

    private async Task ReconcileAsync(ClusterRecord record, StatusDocument? previous, CancellationToken stoppingToken)
    {
        var name = record.Name;
        using var activity = HaKubeTelemetry.Source.StartActivity("reconcile", ActivityKind.Internal);
        activity?.SetTag(HaKubeTelemetry.ClusterTag, name);
        activity?.SetTag("hakube.generation", record.Generation);
        NoteReaction(record);
        Log.Reconciling(logger, name, record.Generation);
        var started = time.GetTimestamp();
        var outcome = "success";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.ReconcileTimeout);
        try
        {
            var result = await reconciler.ReconcileAsync(record.Manifest!, timeout.Token);
            var status = Stamp(result.Status, previous?.Status, record.Generation);
            await WriteAsync(Document(record, status));
            Observe(name, previous?.Status, status);
            var elapsed = time.GetElapsedTime(started);
            Log.Reconciled(logger, name, status.Phase?.ToString() ?? "", status.Plan.Count, result.StepsRun, elapsed.TotalMilliseconds);
            if (result.Failed)
            {
                outcome = "error";
                activity?.SetStatus(ActivityStatusCode.Error, Conditions.Get(status.Conditions, ConditionTypes.Ready)?.Reason);
                Retry(name, Conditions.Get(status.Conditions, ConditionTypes.Ready)?.Message ?? "failed");
                return;
            }

            _queue?.Forget(name);
            if (result.RequeueAfter is { } after)
            {
                _queue?.AddAfter(name, after);
            }
        }
        catch (OperationCanceledException e) when (stoppingToken.IsCancellationRequested)
        {
            outcome = "interrupted";
            var where = (e as ReconcileInterruptedException)?.Where ?? "the reconcile";
            Log.Interrupted(logger, name, where);
            activity?.SetStatus(ActivityStatusCode.Error, "interrupted");
            var observed = (e as ReconcileInterruptedException)?.Observed is { } seen ? Stamp(seen, previous?.Status, record.Generation) : previous?.Status;
            var status = StatusBuilder.WithProblem(observed, null, ConditionReasons.Interrupted, $"interrupted during {where}: the daemon stopped; the hosts named may be half-changed, and the next reconcile re-probes them and repeats what is still needed", time.GetUtcNow());
            await WriteAsync(Document(record, status));
        }
        catch (TerminalReconcileException e)
        {
            outcome = "error";
            Log.ReconcileTerminal(logger, name, e.Message);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            _queue?.Forget(name);
            await WriteAsync(Document(record, StatusBuilder.WithProblem(previous?.Status, ClusterPhase.Failed, ConditionReasons.ReconcileFailed, e.Message, time.GetUtcNow())));
        }
        catch (Exception e)
        {
            // Anything else, a per-reconcile timeout included, is a failed pass: retried with backoff.
            outcome = "error";
            var reason = e is OperationCanceledException ? $"the reconcile took longer than {options.ReconcileTimeout}" : e.Message;
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            await WriteAsync(Document(record, StatusBuilder.WithProblem(previous?.Status, ClusterPhase.Failed, ConditionReasons.ReconcileFailed, reason, time.GetUtcNow())));
            Retry(name, reason);
        }
        finally
        {
            var tags = new TagList { { HaKubeTelemetry.ClusterTag, name }, { HaKubeTelemetry.OutcomeTag, outcome } };
            HaKubeTelemetry.ReconcileDuration.Record(time.GetElapsedTime(started).TotalSeconds, tags);
            HaKubeTelemetry.Reconciles.Add(1, tags);
        }
    }

    private void Retry(string name, string reason)
    {
        var delay = _queue?.AddRateLimited(name) ?? TimeSpan.Zero;
        Log.ReconcileFailed(logger, name, reason, delay.TotalMilliseconds);
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

    private static void Observe(string name, HaClusterStatus? previous, HaClusterStatus status)
    {
        var cluster = new KeyValuePair<string, object?>(HaKubeTelemetry.ClusterTag, name);
        HaKubeTelemetry.HostsUnreachable.Record(status.Hosts.Count(h => !h.Reachable), cluster);
        // Drift: a cluster that was Ready needs steps again, with no manifest change in between.
        if (previous?.Phase == ClusterPhase.Ready && status.Plan.Count > 0 && previous.ObservedGeneration == status.ObservedGeneration)
        {
            HaKubeTelemetry.DriftFound.Add(1, cluster);
        }
    }

    /// <summary>The pass's status with observedGeneration, and conditions keeping their transition times.</summary>
    private static HaClusterStatus Stamp(HaClusterStatus status, HaClusterStatus? previous, long generation)
    {
        var conditions = Conditions.Merge(previous?.Conditions ?? [], status.Conditions).Select(c => c with { ObservedGeneration = generation }).ToList();
        return status with { ObservedGeneration = generation, Conditions = conditions };
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
}
