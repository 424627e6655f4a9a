using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Actions.Ssh;

/// <summary>
/// Long-lived sessions keyed by host, shared by every cycle and every cluster of the daemon,
/// plus one bound on how many hosts are worked on at once. A session is opened on first use
/// and kept (with keep-alives) until the host leaves the spec or the pool is disposed.
/// </summary>
public sealed class SshConnectionPool : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SshConnection> _connections = new(StringComparer.Ordinal);
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
    }

    public SshSettings Settings => _settings;

    /// <summary>Sessions currently open.</summary>
    public int OpenConnections => _connections.Values.Count(c => c.IsConnected);

    /// <summary>Sessions opened since the pool was created, reconnects included.</summary>
    public int TotalConnects => _connections.Values.Sum(c => c.Connects);

    /// <summary>The pooled connection for <paramref name="target"/>; it connects on first use.</summary>
    public IHostConnection Get(SshTarget target)
    {
        // A connection holds nothing until it connects, so a losing duplicate from a race is just garbage.
        return _connections.GetOrAdd(target.PoolKey, static (_, state) => new SshConnection(state.target, state.pool._settings, state.pool._time, state.pool._logger), (target, pool: this));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="target"/> once one of
    /// <see cref="SshSettings.MaxParallelHosts"/> slots is free, connecting first.
    /// </summary>
    public async Task<T> WithHostAsync<T>(SshTarget target, Func<IHostConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
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

    /// <summary>Closes sessions of hosts not in <paramref name="keep"/> (hosts removed from every spec).</summary>
    public async Task RetainAsync(IEnumerable<SshTarget> keep)
    {
        var wanted = keep.Select(t => t.PoolKey).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _connections.Keys.Where(k => !wanted.Contains(k)).ToList())
        {
            if (_connections.TryRemove(key, out var connection))
            {
                await connection.DisposeAsync();
            }
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
