using HaKube.Actions.Ssh;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// The daemon's reconcile loop on a manifests folder, in-process, with its own connections (3 s
/// connect timeout: the lab answers at once, a powered-off host should not hold a pass); disposing
/// stops it within the daemon's shutdown timeout and closes the connections.
/// </summary>
internal sealed class DirectoryDaemon : IAsyncDisposable
{
    private readonly SshConnectionPool _pool;

    private DirectoryDaemon(SshConnectionPool pool, ReconcileLoop loop)
    {
        _pool = pool;
        Loop = loop;
    }

    public ReconcileLoop Loop { get; }

    public static async Task<DirectoryDaemon> StartAsync(DaemonOptions options)
    {
        var pool = new SshConnectionPool(new SshSettings { ConnectTimeout = TimeSpan.FromSeconds(3) });
        var reconciler = new ClusterReconciler(pool, options, TimeProvider.System, NullLogger<ClusterReconciler>.Instance);
        var loop = new ReconcileLoop(options, reconciler, new HealthState(), TimeProvider.System, NullLogger<ReconcileLoop>.Instance);
        var daemon = new DirectoryDaemon(pool, loop);
        try
        {
            await loop.StartAsync(CancellationToken.None);
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(DaemonHost.ShutdownTimeout);
            await Loop.StopAsync(stop.Token);
        }
        finally
        {
            Loop.Dispose();
            await _pool.DisposeAsync();
        }
    }
}
