using System.Collections.Concurrent;
using System.Diagnostics;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Watches the executor run one cluster's steps: a span and log line per step, the step counters,
/// and which steps are running right now - what a pass cut short reports as "interrupted during".
/// </summary>
internal sealed class StepTracker(string cluster, ILogger logger) : IExecutionObserver
{
    private readonly ConcurrentDictionary<PlanStep, Activity?> _running = new(ReferenceEqualityComparer.Instance);

    /// <summary>"PrepareHost on w1, w2" for each running step, or null when none runs.</summary>
    public string? Running =>
        _running.IsEmpty ? null : string.Join("; ", _running.Keys.Select(s => $"{s.Kind} on {string.Join(", ", s.Hosts)}"));

    public void RoundPlanned(int round, Plan plan)
    {
    }

    public void StepStarted(PlanStep planStep)
    {
        // Started here, in the step's own async flow, the span is the parent of whatever the step traces.
        var activity = HaKubeTelemetry.Source.StartActivity("step " + planStep.Kind);
        activity?.SetTag(HaKubeTelemetry.ClusterTag, cluster);
        activity?.SetTag(HaKubeTelemetry.StepTag, planStep.Kind.ToString());
        activity?.SetTag("hakube.hosts", string.Join(",", planStep.Hosts));
        _running[planStep] = activity;
        Log.StepStarted(logger, cluster, planStep.Kind.ToString(), string.Join(", ", planStep.Hosts));
    }

    public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
    {
        End(planStep, null);
        HaKubeTelemetry.StepsRun.Add(1, Tags(planStep));
    }

    public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
    {
        End(planStep, failure);
        HaKubeTelemetry.StepsFailed.Add(1, Tags(planStep));
        Log.StepFailed(logger, cluster, planStep.Kind.ToString(), string.Join(", ", planStep.Hosts), failure.Message);
    }

    private void End(PlanStep planStep, Exception? failure)
    {
        if (_running.TryRemove(planStep, out var activity) && activity is not null)
        {
            // The step's message is already scrubbed of secrets by the step classes.
            activity.SetStatus(failure is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, failure?.Message);
            activity.Stop();
        }
    }

    private TagList Tags(PlanStep planStep) => new() { { HaKubeTelemetry.ClusterTag, cluster }, { HaKubeTelemetry.StepTag, planStep.Kind.ToString() } };
}
