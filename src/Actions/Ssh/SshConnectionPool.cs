using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Actions.Ssh;

/// <summary>
/// Long-lived sessions by host, shared by every cycle and cluster of the daemon, with one bound on
/// hosts worked on at once. Idle sessions are retired, so none outlives the trust it was opened under
/// (a revoked host key gives a new target).
/// </summary>
public sealed class SshConnectionPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SshConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastUsed = new(StringComparer.Ordinal);
    private long _lastSweep;
    private readonly SemaphoreSlim _hostSlots;
    private readonly SshSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SshConnectionPool(SshSettings? settings = null, ILogger<SshConnectionPool>? logger = null, TimeProvider? time = null)
    {
        _settings = settings ?? new SshSettings();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<SshConnectionPool>.Instance;
        _hostSlots = new SemaphoreSlim(_settings.MaxParallelHosts, _settings.MaxParallelHosts);
        SshThreadPool.Reserve(_settings.MaxParallelHosts);
        _lastSweep = _time.GetTimestamp();
    }

    public SshSettings Settings => _settings;

    public int OpenConnections => _connections.Values.Count(c => c.IsConnected);

    /// <summary>Connected or not.</summary>
    internal int Pooled => _connections.Count;

    /// <summary>Reconnects included.</summary>
    public int TotalConnects => _connections.Values.Sum(c => c.Connects);

    /// <summary>It connects on first use.</summary>
    public IHostConnection Get(SshTarget target)
    {
        // A connection holds nothing until it connects, so a losing duplicate from a race is just garbage.
        _lastUsed[target.PoolKey] = _time.GetTimestamp();
        return _connections.GetOrAdd(target.PoolKey, static (_, state) => new SshConnection(state.target, state.pool._settings, state.pool._time, state.pool._logger), (target, pool: this));
    }

    /// <summary>Waits for one of <see cref="SshSettings.MaxParallelHosts"/> slots.</summary>
    public async Task<T> WithHostAsync<T>(SshTarget target, Func<IHostConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await RetireIdleAsync();
        await _hostSlots.WaitAsync(cancellationToken);
        try
        {
            var connection = (SshConnection)Get(target);
            await connection.EnsureConnectedAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }
        finally
        {
            _hostSlots.Release();
        }
    }

    /// <summary>Closes sessions of hosts removed from every spec.</summary>
    public async Task RetainAsync(IEnumerable<SshTarget> keep)
    {
        var wanted = keep.Select(t => t.PoolKey).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _connections.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            if (_connections.TryRemove(key, out var connection))
            {
                _lastUsed.TryRemove(key, out _);
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>At most once a minute, called from the work that uses the pool, so an idle daemon needs no timer.</summary>
    public async Task RetireIdleAsync()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastSweep);
        if (_time.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1) || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var (key, used) in _lastUsed.ToList())
        {
            if (_time.GetElapsedTime(used, now) < _settings.IdleRetirement || !_connections.TryRemove(key, out var connection))
            {
                continue;
            }

            // Used again between the check and the removal: keep it.
            if (_lastUsed.TryGetValue(key, out var again) && again != used && _connections.TryAdd(key, connection))
            {
                continue;
            }

            _lastUsed.TryRemove(key, out _);
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _connections.Keys.ToList())
        {
            if (_connections.TryRemove(key, out var connection))
            {
                await connection.DisposeAsync();
            }
        }

        _hostSlots.Dispose();
    }
}
