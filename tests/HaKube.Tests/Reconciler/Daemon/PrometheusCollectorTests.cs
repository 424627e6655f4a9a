using System.Diagnostics.Metrics;
using HaKube.Reconciler.Telemetry;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
public sealed class PrometheusCollectorTests
{
    [Test]
    public void Render_Counter_SumPerTagSetWithTotalSuffix()
    {
        using var meter = new Meter(nameof(Render_Counter_SumPerTagSetWithTotalSuffix));
        using var collector = new PrometheusCollector(meter.Name);
        var counter = meter.CreateCounter<long>("hakube.steps.run", description: "Steps run.");

        counter.Add(2, new KeyValuePair<string, object?>("hakube.cluster", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("hakube.cluster", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("hakube.cluster", "b\"x"));

        Assert.That(collector.Render(), Is.EqualTo("""
            # HELP hakube_steps_run_total Steps run.
            # TYPE hakube_steps_run_total counter
            hakube_steps_run_total{hakube_cluster="a"} 5
            hakube_steps_run_total{hakube_cluster="b\"x"} 1

            """));
    }

    [Test]
    public void Render_Histogram_CumulativeBucketsSumAndCount()
    {
        using var meter = new Meter(nameof(Render_Histogram_CumulativeBucketsSumAndCount));
        using var collector = new PrometheusCollector(meter.Name);
        var histogram = meter.CreateHistogram("hakube.reconcile.duration", "s", "Duration.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });

        histogram.Record(0.05);
        histogram.Record(0.1);
        histogram.Record(0.5);
        histogram.Record(7);

        Assert.That(collector.Render(), Is.EqualTo("""
            # HELP hakube_reconcile_duration_seconds Duration.
            # TYPE hakube_reconcile_duration_seconds histogram
            hakube_reconcile_duration_seconds_bucket{le="0.1"} 2
            hakube_reconcile_duration_seconds_bucket{le="1"} 3
            hakube_reconcile_duration_seconds_bucket{le="+Inf"} 4
            hakube_reconcile_duration_seconds_sum 7.65
            hakube_reconcile_duration_seconds_count 4

            """));
    }

    [Test]
    public void Render_GaugesAndUpDownCounters_CurrentValues()
    {
        using var meter = new Meter(nameof(Render_GaugesAndUpDownCounters_CurrentValues));
        using var collector = new PrometheusCollector(meter.Name);
        var gauge = meter.CreateGauge<long>("hakube.hosts.unreachable", description: "Down.");
        var upDown = meter.CreateUpDownCounter<int>("hakube.active", description: "Active.");
        var observed = 0;
        meter.CreateObservableGauge("hakube.observed", () => observed, description: "Observed.");

        gauge.Record(3);
        gauge.Record(1);
        upDown.Add(5);
        upDown.Add(-2);
        observed = 42;

        Assert.That(collector.Render(), Is.EqualTo("""
            # HELP hakube_active Active.
            # TYPE hakube_active gauge
            hakube_active 3
            # HELP hakube_hosts_unreachable Down.
            # TYPE hakube_hosts_unreachable gauge
            hakube_hosts_unreachable 1
            # HELP hakube_observed Observed.
            # TYPE hakube_observed gauge
            hakube_observed 42

            """));
    }

    [Test]
    public void Render_OtherMeters_Ignored()
    {
        using var ours = new Meter(nameof(Render_OtherMeters_Ignored));
        using var theirs = new Meter(nameof(Render_OtherMeters_Ignored) + ".other");
        using var collector = new PrometheusCollector(ours.Name);

        theirs.CreateCounter<long>("their.counter").Add(1);

        Assert.That(collector.Render(), Is.Empty);
    }
}
