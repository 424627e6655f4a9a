using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HaKube.Reconciler.Telemetry;

/// <summary>
/// HaKube's one <see cref="ActivitySource"/> and <see cref="Meter"/>, both named "HaKube". Tags never carry
/// commands, files or keys. Not named Telemetry: a type named like its namespace makes references ambiguous.
/// </summary>
internal static class HaKubeTelemetry
{
    public const string Name = "HaKube";

    /// <summary>Seconds, from a few milliseconds (a no-op cycle) to many minutes (a bring-up).</summary>
    private static readonly double[] DurationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> ReconcileDuration = Meter.CreateHistogram(
        "hakube.reconcile.duration",
        unit: "s",
        description: "Time one reconcile of one cluster took (probe, plan and any steps).",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static readonly Counter<long> Reconciles = Meter.CreateCounter<long>(
        "hakube.reconciles", description: "Reconciles finished, by cluster and outcome (success, error, interrupted).");

    public static readonly Counter<long> StepsRun = Meter.CreateCounter<long>(
        "hakube.steps.run", description: "Plan steps that ran and succeeded, by cluster and step kind.");

    public static readonly Counter<long> StepsFailed = Meter.CreateCounter<long>(
        "hakube.steps.failed", description: "Plan steps that failed, by cluster and step kind.");

    public static readonly Counter<long> DriftFound = Meter.CreateCounter<long>(
        "hakube.drift.found", description: "Reconciles that found a cluster already seen converged needing steps again, by cluster.");

    public static readonly Gauge<long> HostsUnreachable = Meter.CreateGauge<long>(
        "hakube.hosts.unreachable", description: "Hosts the last probe of a cluster could not reach, by cluster.");

    public static readonly Gauge<long> QueueDepth = Meter.CreateGauge<long>(
        "hakube.queue.depth", description: "Clusters waiting in the work queue (not counting those being reconciled or waiting out a backoff).");

    /// <summary>Tag name for a cluster (metadata.name).</summary>
    public const string ClusterTag = "hakube.cluster";

    /// <summary>Tag name for a host (spec.hosts[].name).</summary>
    public const string HostTag = "hakube.host";

    /// <summary>Tag name for a step kind.</summary>
    public const string StepTag = "hakube.step";

    /// <summary>Tag name for an outcome.</summary>
    public const string OutcomeTag = "hakube.outcome";
}
