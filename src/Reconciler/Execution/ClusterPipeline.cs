using System.Diagnostics;
using HaKube.Actions.Ssh;
using HaKube.Actions.Steps;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// The one orchestration of a pass over a cluster: Observe (probe; reads only) → Prepare (the only
/// stage that writes state) → Plan (pure) → Execute; the daemon adds Status. <c>hakube plan</c>,
/// <c>hakube apply</c> (<see cref="ApplyLoop"/>) and the daemon (ClusterReconciler) drive it.
/// </summary>
public sealed class ClusterPipeline(ClusterSession session, ILogger? logger = null, IExecutionObserver? observer = null)
{
    /// <summary>How many hosts of one step run at once.</summary>
    public int MaxParallelHosts { get; init; } = 16;

    public ClusterSession Session => session;

    /// <summary><c>hakube plan</c> and apply's confirmation: the pipeline without Prepare and Execute, so nothing is written.</summary>
    public Task<Pass> PlanOnlyAsync(CancellationToken cancellationToken) => PassAsync(prepare: false, cancellationToken);

    /// <summary>
    /// Observe, Prepare when <paramref name="prepare"/> (else the material is made in memory), Plan, as a
    /// pass that may act would run it (<see cref="PassRules.AsRun"/>: nothing on a paused cluster).
    /// </summary>
    public async Task<Pass> PassAsync(bool prepare, CancellationToken cancellationToken)
    {
        var observed = await ObserveAsync(cancellationToken);
        var material = await PrepareAsync(observed, prepare, cancellationToken);
        return new Pass(observed, material, PassRules.AsRun(session.Cluster.Spec, Plan(observed, material)));
    }

    /// <summary>Probes every host in the scope, each in its own span, and the External endpoint; writes nothing.</summary>
    public async Task<Observation> ObserveAsync(CancellationToken cancellationToken)
    {
        using var activity = HaKubeTelemetry.Source.StartActivity("probe");
        activity?.SetTag(HaKubeTelemetry.ClusterTag, session.Cluster.Metadata.Name);
        var scope = await session.ScopeAsync(cancellationToken);
        var lister = session.NodeLister;
        var facts = await Task.WhenAll(scope.Targets.Select(t => ProbeHostAsync(t, t.Name == lister, cancellationToken)));
        session.NoteNodeListing(facts);
        activity?.SetTag("hakube.hosts.unreachable", facts.Count(f => !f.Reachable));
        return new Observation(facts, await session.ObserveEndpointAsync(cancellationToken), scope);
    }

    /// <summary>
    /// With <paramref name="write"/>: remembers the spec hosts that answered in the inventory (a host
    /// merely reached must not enter it: it would be drained and reset once it left the spec) and
    /// stores material generated on first use. Without: the material is made in memory only.
    /// </summary>
    public async Task<ClusterMaterial> PrepareAsync(Observation observed, bool write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (write)
        {
            await session.RememberAsync(observed.Facts, cancellationToken);
        }

        return await session.MaterialAsync(observed.Facts, write, cancellationToken);
    }

    /// <summary>The one call to the planner: what would bring the hosts to the spec, paused or not (the planner does not know pause).</summary>
    public Plan Plan(Observation observed, ClusterMaterial material)
    {
        ArgumentNullException.ThrowIfNull(observed);
        using var activity = HaKubeTelemetry.Source.StartActivity("plan");
        var facts = observed.Facts.ToDictionary(f => f.Host, StringComparer.Ordinal);
        var desired = DesiredStateBuilder.Build(session.Cluster, material);
        var plan = Planner.Plan(session.Cluster, facts, desired, observed.Endpoint, observed.Scope.Removed, observed.Scope.SetUpRoles, [.. observed.Scope.Previous.Select(p => p.Machine)]);
        activity?.SetTag("hakube.steps", plan.Steps.Count);
        activity?.SetTag("hakube.refusals", plan.Refusals.Count);
        return plan;
    }

    /// <summary>Runs the plan's next waves (see <see cref="PlanExecutor"/>); returns how many steps ran.</summary>
    /// <exception cref="StepFailedException">A step failed (or <see cref="AggregateException"/> of them when several hosts failed).</exception>
    /// <exception cref="InvalidOperationException">The pass was prepared without writing: its material is a preview.</exception>
    public Task<int> ExecuteAsync(Pass pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (pass.Material.Preview && pass.Plan.Steps.Count > 0)
        {
            throw new InvalidOperationException(
                $"cluster {session.Cluster.Metadata.Name}: a pass prepared without writing (paused, or observing only) cannot run steps: its material is a preview that is not stored");
        }

        var executor = new PlanExecutor(session, observer, logger) { MaxParallelHosts = MaxParallelHosts };
        return executor.RunAsync(pass.Plan, pass.Observed, pass.Material, cancellationToken);
    }

    private async Task<HostFacts> ProbeHostAsync(SshTarget target, bool listNodes, CancellationToken cancellationToken)
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
}

/// <summary>One pass up to its plan: what was observed, the material the desired state came from, and the plan.</summary>
public sealed record Pass(Observation Observed, ClusterMaterial Material, Plan Plan);

/// <summary>When a pass may change anything: the one place pause and --dry-run decide it.</summary>
internal static class PassRules
{
    /// <summary>Prepare (state) and Execute (hosts) run only when the cluster is not paused and the daemon does not observe only.</summary>
    public static bool Acts(HaKube.Model.Api.HaClusterSpec spec, bool observeOnly)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return !spec.Paused && !observeOnly;
    }

    /// <summary>The plan as a pass that may act runs it: on a paused cluster, no step (<see cref="Plan.WhilePaused"/>).</summary>
    public static Plan AsRun(HaKube.Model.Api.HaClusterSpec spec, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        return spec.Paused ? plan.WhilePaused() : plan;
    }

    /// <summary>Whether a pass that planned <paramref name="plan"/> runs steps.</summary>
    public static bool Executes(HaKube.Model.Api.HaClusterSpec spec, bool observeOnly, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Acts(spec, observeOnly) && plan.Steps.Count > 0;
    }
}
