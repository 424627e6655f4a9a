using System.Diagnostics;
using HaKube.Model.Loading;
using HaKube.Model.Status;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Runs one daemon pass of a cluster and acts on how it ended, for both daemon modes (controller-runtime's
/// reconcile.Result is the model): failed passes back off, terminal ones wait for a spec change or the resync,
/// interrupted ones are recorded and not requeued. Never two passes of one cluster at once.
/// </summary>
internal sealed class ReconcileDispatcher(IClusterReconciler reconciler, DaemonOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Runs the pass of <paramref name="request"/>, writes its status to <paramref name="sink"/> and requeues it on <paramref name="queue"/>.</summary>
    public async Task DispatchAsync(ReconcileRequest request, IStatusSink sink, WorkQueue? queue, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sink);
        var key = request.Key;
        using var activity = HaKubeTelemetry.Source.StartActivity("reconcile", ActivityKind.Internal);
        activity?.SetTag(HaKubeTelemetry.ClusterTag, key);
        activity?.SetTag("hakube.generation", request.Generation);
        Log.Reconciling(logger, key, request.Generation);
        var started = time.GetTimestamp();
        var outcome = PassOutcome.Failed;
        try
        {
            var report = await RunAsync(request, sink, stoppingToken);
            outcome = report.Outcome;
            if (outcome is PassOutcome.Terminal or PassOutcome.Succeeded)
            {
                queue?.Forget(key);
            }

            // Status is written even while stopping (with no token): it is how an interrupted pass is reported.
            await sink.WriteAsync(report, outcome == PassOutcome.Interrupted ? CancellationToken.None : stoppingToken);
            if (report.Result is { } result)
            {
                Observe(key, request.Previous, report.Status);
                Log.Reconciled(logger, key, report.Status.Phase?.ToString() ?? "", report.Status.Plan.Count, result.StepsRun, time.GetElapsedTime(started).TotalMilliseconds);
            }

            var ready = Conditions.Get(report.Status.Conditions, ConditionTypes.Ready);
            switch (outcome)
            {
                case PassOutcome.Failed:
                    activity?.SetStatus(ActivityStatusCode.Error, ready?.Reason);
                    var delay = queue?.AddRateLimited(key) ?? TimeSpan.Zero;
                    Log.ReconcileFailed(logger, key, ready?.Message ?? "failed", delay.TotalMilliseconds);
                    break;
                case PassOutcome.Succeeded when report.Result?.RequeueAfter is { } after:
                    queue?.AddAfter(key, after);
                    break;
                case PassOutcome.Terminal:
                case PassOutcome.Interrupted:
                    activity?.SetStatus(ActivityStatusCode.Error, outcome == PassOutcome.Interrupted ? "interrupted" : ready?.Message);
                    break;
            }
        }
        finally
        {
            var tags = new TagList { { HaKubeTelemetry.ClusterTag, key }, { HaKubeTelemetry.OutcomeTag, OutcomeTag(outcome) } };
            HaKubeTelemetry.ReconcileDuration.Record(time.GetElapsedTime(started).TotalSeconds, tags);
            HaKubeTelemetry.Reconciles.Add(1, tags);
        }
    }

    /// <summary>The status with observedGeneration = <paramref name="generation"/>, conditions keeping their transition times from <paramref name="previous"/>.</summary>
    public static HaClusterStatus Stamp(HaClusterStatus status, HaClusterStatus? previous, long generation)
    {
        ArgumentNullException.ThrowIfNull(status);
        var conditions = Conditions.Merge(previous?.Conditions ?? [], status.Conditions).Select(c => c with { ObservedGeneration = generation }).ToList();
        return status with { ObservedGeneration = generation, Conditions = conditions };
    }

    private async Task<PassReport> RunAsync(ReconcileRequest request, IStatusSink sink, CancellationToken stoppingToken)
    {
        var (key, previous, generation) = (request.Key, request.Previous, request.Generation);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.ReconcileTimeout);
        try
        {
            var result = await reconciler.ReconcileAsync(request.Manifest, timeout.Token);
            return new PassReport(Stamp(result.Status, previous, generation), result.Failed ? PassOutcome.Failed : PassOutcome.Succeeded) { Result = result };
        }
        catch (OperationCanceledException e) when (stoppingToken.IsCancellationRequested)
        {
            var interrupted = e as ReconcileInterruptedException;
            var where = interrupted?.Where ?? "the reconcile";
            Log.Interrupted(logger, key, where);
            var observed = interrupted?.Observed is { } seen ? Stamp(seen, previous, generation) : previous;
            var message = $"interrupted during {where}: {sink.InterruptedMeaning}";
            return new PassReport(StatusBuilder.WithProblem(observed, null, ConditionReasons.Interrupted, message, time.GetUtcNow()), PassOutcome.Interrupted);
        }
        catch (TerminalReconcileException e)
        {
            Log.ReconcileTerminal(logger, key, e.Message);
            return new PassReport(Problem(previous, e.Message, generation), PassOutcome.Terminal);
        }
        catch (Exception e) when (!sink.Rethrows(e))
        {
            var reason = e is OperationCanceledException ? $"the reconcile took longer than {options.ReconcileTimeout}" : e.Message;
            return new PassReport(Problem(previous, reason, generation), PassOutcome.Failed);
        }
    }

    private HaClusterStatus Problem(HaClusterStatus? previous, string message, long generation) =>
        Stamp(StatusBuilder.WithProblem(previous, ClusterPhase.Failed, ConditionReasons.ReconcileFailed, message, time.GetUtcNow()), previous, generation);

    private static void Observe(string key, HaClusterStatus? previous, HaClusterStatus status)
    {
        var cluster = new KeyValuePair<string, object?>(HaKubeTelemetry.ClusterTag, key);
        HaKubeTelemetry.HostsUnreachable.Record(status.Hosts.Count(h => !h.Reachable), cluster);
        // Drift: a cluster that was Ready needs steps again, with no spec change in between.
        if (previous?.Phase == ClusterPhase.Ready && status.Plan.Count > 0 && previous.ObservedGeneration == status.ObservedGeneration)
        {
            HaKubeTelemetry.DriftFound.Add(1, cluster);
        }
    }

    private static string OutcomeTag(PassOutcome outcome) => outcome switch
    {
        PassOutcome.Succeeded => "success",
        PassOutcome.Interrupted => "interrupted",
        _ => "error",
    };
}

/// <summary>A pass to run: the cluster's queue key, its manifest, the generation it is at, and the status last written.</summary>
internal sealed record ReconcileRequest(string Key, LoadedManifest Manifest, long Generation, HaClusterStatus? Previous);

/// <summary>How a dispatched pass ended.</summary>
internal enum PassOutcome
{
    Succeeded,
    Failed,
    Terminal,
    Interrupted,
}

/// <summary>The stamped status of a pass and how it ended; <see cref="Result"/> is null when the pass threw.</summary>
internal sealed record PassReport(HaClusterStatus Status, PassOutcome Outcome)
{
    public ReconcileResult? Result { get; init; }
}

/// <summary>Where a daemon mode reports a pass: the status file (directory mode), or the status subresource and Events.</summary>
internal interface IStatusSink
{
    /// <summary>What an interrupted pass's status says after "interrupted during WHERE: ".</summary>
    string InterruptedMeaning { get; }

    /// <summary>Writes the pass's status (with no token when the pass was interrupted: the daemon is stopping).</summary>
    Task WriteAsync(PassReport report, CancellationToken cancellationToken);

    /// <summary>Exceptions the mode's loop handles itself rather than as a failed pass (the API server's, in custom-resource mode).</summary>
    bool Rethrows(Exception exception) => false;
}
