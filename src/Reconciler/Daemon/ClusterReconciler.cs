using System.Diagnostics;
using HaKube.Actions.Ssh;
using HaKube.Actions.Steps;
using HaKube.Model.Facts;
using HaKube.Model.Loading;
using HaKube.Model.Planning;
using HaKube.Model.Status;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Snapshots;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// The reconcile pass of directory mode, as a table of contents: open a session on the shared SSH
/// pool → probe every host (one exec each) → compute the desired state → plan → status → unless
/// paused or observing only, run the plan's next steps with the executor and come back soon to
/// re-observe. Steps are never trusted to have worked: the next pass probes again.
/// </summary>
public sealed class ClusterReconciler(SshConnectionPool pool, DaemonOptions options, TimeProvider time, ILogger<ClusterReconciler> logger, ISessionOpener? sessions = null) : IClusterReconciler
{
    // Without an opener the key comes from files, as directory mode has always read it.
    private readonly ISessionOpener _sessions = sessions ?? new FileSessionOpener(pool, options, time);
    private readonly ScheduledSnapshots _snapshots = new(time, logger, options.StateDirectory, maxSnapshotBytes: options.MaxSnapshotBytes);

    public async Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var cluster = manifest.Cluster;
        var name = cluster.Metadata.Name;
        var stage = "opening SSH sessions";
        var tracker = new StepTracker(name, logger);
        HaClusterStatus? observed = null;
        try
        {
            var (session, key) = await _sessions.OpenAsync(manifest, cancellationToken);
            // The key is not disposed after the pass: pooled connections outlive it and sign with the
            // key object they were opened with (the pool reuses them by the key's public-key hash), so
            // disposing it would break every later reconnect. The GC frees it with its last connection.
            _ = key;
            stage = "the probe";
            var facts = await ProbeAsync(session, cancellationToken);
            stage = "planning";
            var (material, plan) = await PlanAsync(session, facts, cancellationToken);
            observed = StatusBuilder.Observed(cluster, facts, plan, options.ObserveOnly, null, time.GetUtcNow());
            stage = "the etcd snapshot";
            observed = await _snapshots.RunAsync(session, facts, observed, options.ObserveOnly, cancellationToken);
            if (cluster.Spec.Paused || options.ObserveOnly || plan.Steps.Count == 0)
            {
                return new ReconcileResult { Status = observed };
            }

            stage = "the steps";
            var executor = new PlanExecutor(session, tracker, logger);
            try
            {
                var ran = await executor.RunAsync(plan, facts, material, cancellationToken);
                return new ReconcileResult { Status = observed, StepsRun = ran, RequeueAfter = options.RequeueAfterSteps };
            }
            catch (Exception e) when (e is StepFailedException or AggregateException)
            {
                var message = e is AggregateException all ? string.Join("; ", all.InnerExceptions.Select(x => x.Message)) : e.Message;
                return new ReconcileResult
                {
                    Status = StatusBuilder.WithProblem(observed, null, ConditionReasons.ReconcileFailed, message, time.GetUtcNow()),
                    Failed = true,
                };
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new ReconcileInterruptedException(tracker.Running ?? stage, observed, cancellationToken);
        }
    }

    /// <summary>Every host in parallel, each in its own span: the probe is the pass's one command per host.</summary>
    private static async Task<IReadOnlyList<HostFacts>> ProbeAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        using var activity = HaKubeTelemetry.Source.StartActivity("probe");
        activity?.SetTag(HaKubeTelemetry.ClusterTag, session.Cluster.Metadata.Name);
        // Departing hosts (remembered, no longer in the spec) are probed too, so their removal can be planned.
        var targets = await session.ProbeTargetsAsync(cancellationToken);
        var lister = session.NodeLister;
        var facts = await Task.WhenAll(targets.Select(t => ProbeHostAsync(session, t, t.Name == lister, cancellationToken)));
        session.NoteNodeListing(facts);
        activity?.SetTag("hakube.hosts.unreachable", facts.Count(f => !f.Reachable));
        await session.RememberAsync(facts, cancellationToken);
        return facts;
    }

    private static async Task<HostFacts> ProbeHostAsync(ClusterSession session, SshTarget target, bool listNodes, CancellationToken cancellationToken)
    {
        using var activity = HaKubeTelemetry.Source.StartActivity("host command");
        activity?.SetTag(HaKubeTelemetry.HostTag, target.Name);
        activity?.SetTag("hakube.command", "probe");
        var facts = await session.Prober.ProbeHostAsync(target, cancellationToken, listNodes);
        if (!facts.Reachable)
        {
            activity?.SetStatus(ActivityStatusCode.Error, facts.ErrorKind?.ToString());
        }

        return facts;
    }

    /// <summary>The plan as if not paused, so a paused cluster's status still shows what would run.</summary>
    private static async Task<(ClusterMaterial Material, Plan Plan)> PlanAsync(ClusterSession session, IReadOnlyList<HostFacts> facts, CancellationToken cancellationToken)
    {
        using var activity = HaKubeTelemetry.Source.StartActivity("plan");
        var (material, desired) = await session.DesiredAsync(facts, cancellationToken);
        var endpoint = await session.ObserveEndpointAsync(cancellationToken);
        var cluster = session.Cluster;
        var unpaused = cluster with { Spec = cluster.Spec with { Paused = false } };
        var plan = PlannerProvider.Default.Plan(unpaused, facts, desired, endpoint, session.Departing, session.SetUpRoles);
        activity?.SetTag("hakube.steps", plan.Steps.Count);
        activity?.SetTag("hakube.refusals", plan.Refusals.Count);
        return (material, plan);
    }
}
