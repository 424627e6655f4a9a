namespace HaKube.Reconciler.Telemetry;

/// <summary>One instrument's aggregate for one set of tags. Mutated only under the collector's lock.</summary>
internal sealed class MetricSeries(IReadOnlyList<KeyValuePair<string, string>> labels, int bucketCount)
{
    /// <summary>Label name to value, sorted by name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; } = labels;

    /// <summary>Sum or last value; for a histogram, the sum of the measurements.</summary>
    public double Value { get; set; }

    /// <summary>Histogram only: the number of measurements.</summary>
    public long Count { get; set; }

    /// <summary>Histogram only: measurements per bucket (not cumulative); the last is the +Inf bucket.</summary>
    public long[] Buckets { get; } = new long[bucketCount];
}
