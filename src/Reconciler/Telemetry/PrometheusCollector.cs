using System.Diagnostics.Metrics;

namespace HaKube.Reconciler.Telemetry;

/// <summary>
/// Aggregates the named meters' instruments for the Prometheus text format (<see cref="Render"/>); one small
/// listener instead of an exporter package.
/// </summary>
internal sealed class PrometheusCollector : IDisposable
{
    /// <summary>Histogram bounds for instruments that give no advice (OpenTelemetry's defaults).</summary>
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Lock _gate = new();
    private readonly Dictionary<Instrument, MetricFamily> _families = [];
    private readonly HashSet<string> _meters;
    private readonly MeterListener _listener = new();

    public PrometheusCollector(params string[] meterNames)
    {
        _meters = new HashSet<string>(meterNames.Length == 0 ? [HaKubeTelemetry.Name] : meterNames, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name) && Describe(instrument) is { } family)
            {
                lock (_gate)
                {
                    _families[instrument] = family;
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_gate)
            {
                _families.Remove(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The Prometheus text exposition (format 0.0.4) of every instrument seen so far.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            return PrometheusText.Render(_families.Values.OrderBy(f => f.Name, StringComparer.Ordinal));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<KeyValuePair<string, string>>(tags.Length);
        foreach (var tag in tags)
        {
            labels.Add(new(PrometheusText.LabelName(tag.Key), Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        lock (_gate)
        {
            if (_families.TryGetValue(instrument, out var family))
            {
                family.Record(value, labels);
            }
        }
    }

    private static MetricFamily? Describe(Instrument instrument)
    {
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        MetricKind? kind = definition switch
        {
            _ when definition == typeof(Counter<>) => MetricKind.Sum,
            _ when definition == typeof(UpDownCounter<>) => MetricKind.UpDownSum,
            _ when definition == typeof(Gauge<>) => MetricKind.LastValue,
            _ when definition == typeof(Histogram<>) => MetricKind.Histogram,
            _ when definition == typeof(ObservableCounter<>) => MetricKind.ObservedTotal,
            _ when definition == typeof(ObservableUpDownCounter<>) => MetricKind.LastValue,
            _ when definition == typeof(ObservableGauge<>) => MetricKind.LastValue,
            _ => null,
        };
        if (kind is not { } known)
        {
            return null;
        }

        IReadOnlyList<double> bounds = known == MetricKind.Histogram ? HistogramBounds(instrument) : [];
        return new MetricFamily(PrometheusText.MetricName(instrument.Name, instrument.Unit, known), instrument.Description ?? "", known, bounds);
    }

    private static double[] HistogramBounds(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        _ => DefaultBounds,
    };
}
