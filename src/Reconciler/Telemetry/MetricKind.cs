namespace HaKube.Reconciler.Telemetry;

/// <summary>How a series aggregates its measurements, and its Prometheus TYPE.</summary>
internal enum MetricKind
{
    /// <summary>Counter: measurements add up; rendered as a counter with the _total suffix.</summary>
    Sum,

    /// <summary>Up-down counter: measurements add up and may fall; rendered as a gauge.</summary>
    UpDownSum,

    /// <summary>Gauge or any observable instrument: the last value wins.</summary>
    LastValue,

    /// <summary>Observable counter: the callback reports the running total itself.</summary>
    ObservedTotal,

    /// <summary>Histogram: bucket counts, sum and count.</summary>
    Histogram,
}
