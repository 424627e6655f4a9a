namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Per-cluster exponential backoff with jitter, capped, combined with one token bucket over all
/// clusters: the delay is the larger of the two, so a burst of failures (every host of every cluster
/// unreachable after a network cut) cannot turn into a retry storm.
/// </summary>
internal sealed class Backoff
{
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledAt;

    /// <param name="time">The clock the token bucket refills by.</param>
    /// <param name="random">Uniform in [0, 1); tests pass a constant.</param>
    public Backoff(TimeProvider time, Func<double>? random = null)
    {
        _time = time;
        _random = random ?? Random.Shared.NextDouble;
        _tokens = Burst;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>The first retry's delay. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No retry waits longer. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Up to this fraction is taken off each delay at random, so clusters that failed together retry apart. Default 0.1.</summary>
    public double Jitter { get; init; } = 0.1;

    /// <summary>Retries per second over all clusters, once the burst is spent. Default 10.</summary>
    public double RetriesPerSecond { get; init; } = 10;

    /// <summary>Retries allowed at once before the rate applies. Default 100.</summary>
    public int Burst { get; init; } = 100;

    /// <summary>The delay before retry number <paramref name="failures"/> (1 for the first).</summary>
    public TimeSpan Next(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // Jitter only shortens a delay: with at most 10 % off, each delay still exceeds the one before, and none exceeds the cap.
        var exponent = Math.Min(failures - 1, 30);
        var exponential = Math.Min(MaxDelay.TotalSeconds, BaseDelay.TotalSeconds * Math.Pow(2, exponent));
        var jittered = TimeSpan.FromSeconds(exponential * (1 - (Jitter * _random())));
        var bucket = ReserveToken();
        return jittered > bucket ? jittered : bucket;
    }

    private TimeSpan ReserveToken()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + (_time.GetElapsedTime(_refilledAt, now).TotalSeconds * RetriesPerSecond));
            _refilledAt = now;
            _tokens -= 1;
            // A negative balance is a debt: this retry waits until the bucket has refilled to zero.
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / RetriesPerSecond);
        }
    }
}
