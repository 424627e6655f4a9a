using System.Diagnostics.CodeAnalysis;
using HaKube.Reconciler.Telemetry;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// The daemon's work queue, keyed by cluster name, in the manner of client-go's: a key waits at most once and
/// is never handed out again until <see cref="Done"/>, so two passes of one cluster never overlap.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: the name client-go and controller-runtime readers look for.")]
internal sealed class WorkQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly HashSet<string> _again = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ITimer Timer, DateTimeOffset Due)> _delayed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    // Counts the keys in _ready: a taker waits on it, an add into _ready releases it.
    private readonly SemaphoreSlim _available = new(0);
    private readonly TimeProvider _time;
    private ITimer? _resync;
    private bool _shutDown;

    public WorkQueue(TimeProvider time, Backoff? backoff = null)
    {
        _time = time;
        Backoff = backoff ?? new Backoff(time);
    }

    public Backoff Backoff { get; }

    /// <summary>Keys waiting to be taken.</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> now, unless it already waits; if it is being worked on, it runs again after.</summary>
    public void Add(string key)
    {
        lock (_gate)
        {
            if (_shutDown || _waiting.Contains(key))
            {
                return;
            }

            if (_active.Contains(key))
            {
                _again.Add(key);
                return;
            }

            Enqueue(key);
        }
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; an earlier pending add of the key wins.</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            var due = _time.GetUtcNow() + delay;
            if (_shutDown || (_delayed.TryGetValue(key, out var pending) && pending.Due <= due))
            {
                return;
            }

            pending.Timer?.Dispose();
            var timer = _time.CreateTimer(_ => Fire(key), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (timer, due);
        }
    }

    /// <summary>Queues <paramref name="key"/> after its next backoff delay; returns the delay.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = Backoff.Next(failures);
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>The key succeeded: its next failure starts the backoff from the beginning.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Failures since the key last succeeded.</summary>
    public int Failures(string key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Drops the key's pending delayed add and its failure count (the cluster is no longer managed).</summary>
    public void Remove(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
            if (_delayed.Remove(key, out var pending))
            {
                pending.Timer.Dispose();
            }
        }
    }

    /// <summary>Waits for a key and marks it active; the caller must call <see cref="Done"/> with it.</summary>
    public async Task<string> TakeAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken);
        lock (_gate)
        {
            var key = _ready.Dequeue();
            _waiting.Remove(key);
            _active.Add(key);
            HaKubeTelemetry.QueueDepth.Record(_ready.Count);
            return key;
        }
    }

    /// <summary>The pass of <paramref name="key"/> ended; if it was added meanwhile, it waits again now.</summary>
    public void Done(string key)
    {
        lock (_gate)
        {
            _active.Remove(key);
            if (_again.Remove(key) && !_shutDown)
            {
                Enqueue(key);
            }
        }
    }

    /// <summary>
    /// Every <paramref name="period"/>, adds every key <paramref name="keys"/> lists, spread evenly over the period:
    /// drift is found without any event.
    /// </summary>
    public void StartResync(TimeSpan period, Func<IEnumerable<string>> keys)
    {
        lock (_gate)
        {
            _resync?.Dispose();
            _resync = _time.CreateTimer(_ => AddSpreadOver(period, keys()), null, period, period);
        }
    }

    // Key i of n (in name order, so each keeps its slot and comes back one period after its last
    // resync) is queued i/n of the period after the tick: a fleet's re-probes follow one another
    // instead of all starting at once, which would share the cores and the hosts' sshd between
    // every cluster in the same seconds and leave them idle for the rest of the period (Argo CD's
    // reconciliation jitter answers the same thundering herd).
    private void AddSpreadOver(TimeSpan period, IEnumerable<string> keys)
    {
        var ordered = keys.Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            AddAfter(ordered[i], period * i / ordered.Count);
        }
    }

    /// <summary>Stops resync and delayed adds; adds are ignored from now on.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            _shutDown = true;
            _resync?.Dispose();
            foreach (var (timer, _) in _delayed.Values)
            {
                timer.Dispose();
            }

            _delayed.Clear();
        }
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }

    private void Fire(string key)
    {
        lock (_gate)
        {
            if (_delayed.Remove(key, out var pending))
            {
                pending.Timer.Dispose();
            }
        }

        Add(key);
    }

    private void Enqueue(string key)
    {
        _ready.Enqueue(key);
        _waiting.Add(key);
        HaKubeTelemetry.QueueDepth.Record(_ready.Count);
        _available.Release();
    }
}
