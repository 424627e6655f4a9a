namespace HaKube.Reconciler.Telemetry;

/// <summary>One instrument as Prometheus shows it: a metric family with a series per tag set.</summary>
internal sealed class MetricFamily(string name, string help, MetricKind kind, IReadOnlyList<double> bounds)
{
    public string Name { get; } = name;

    public string Help { get; } = help;

    public MetricKind Kind { get; } = kind;

    /// <summary>Histogram upper bounds, ascending; empty for other kinds.</summary>
    public IReadOnlyList<double> Bounds { get; } = bounds;

    /// <summary>Series by their label key (the sorted labels joined), in first-seen order for stable output.</summary>
    public Dictionary<string, MetricSeries> Series { get; } = new(StringComparer.Ordinal);

    public void Record(double value, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        var key = string.Join('\u0001', labels.Select(l => l.Key + "=" + l.Value));
        if (!Series.TryGetValue(key, out var series))
        {
            series = new MetricSeries(labels, Kind == MetricKind.Histogram ? Bounds.Count + 1 : 0);
            Series.Add(key, series);
        }

        switch (Kind)
        {
            case MetricKind.Sum or MetricKind.UpDownSum:
                series.Value += value;
                break;
            case MetricKind.LastValue or MetricKind.ObservedTotal:
                series.Value = value;
                break;
            case MetricKind.Histogram:
                series.Value += value;
                series.Count++;
                series.Buckets[BucketOf(value)]++;
                break;
        }
    }

    private int BucketOf(double value)
    {
        // Prometheus buckets are "less than or equal": a measurement on a bound counts in that bucket.
        for (var i = 0; i < Bounds.Count; i++)
        {
            if (value <= Bounds[i])
            {
                return i;
            }
        }

        return Bounds.Count;
    }
}
