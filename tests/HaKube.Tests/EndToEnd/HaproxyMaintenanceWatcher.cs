using System.Globalization;
using System.Net.Sockets;
using System.Text;
using HaKube.Actions.Rendering;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Asks a lab load balancer's HAProxy ("show servers state", over its admin socket, reached through the
/// host's folder on this machine: no process in the host per sample) every 100 ms which control-plane
/// servers are in forced maintenance, and remembers every one it saw there. Bounded: it ends on
/// <see cref="StopAsync"/>, on dispose, or after 20 minutes.
/// </summary>
internal sealed class HaproxyMaintenanceWatcher : IAsyncDisposable
{
    private const int ForcedMaintenance = 0x01;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly string _socket;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(20));
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Task? _loop;
    private int _samples;
    private string? _lastError;

    private HaproxyMaintenanceWatcher(string socket) => _socket = socket;

    public static HaproxyMaintenanceWatcher Start(LabHost loadBalancer)
    {
        ArgumentNullException.ThrowIfNull(loadBalancer);
        var watcher = new HaproxyMaintenanceWatcher(loadBalancer.PathOnMachine(HaproxyConfigRenderer.StatsSocket));
        watcher._loop = Task.Run(() => watcher.LoopAsync(watcher._stop.Token), CancellationToken.None);
        return watcher;
    }

    /// <summary>Servers seen in maintenance at least once, how many samples answered, and the last error if any did not.</summary>
    public async Task<(IReadOnlySet<string> Seen, int Samples, string? LastError)> StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        return (_seen, _samples, _lastError);
    }

    /// <summary>The servers in maintenance now.</summary>
    public static async Task<IReadOnlySet<string>> InMaintenanceAsync(LabHost loadBalancer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loadBalancer);
        return await AskAsync(loadBalancer.PathOnMachine(HaproxyConfigRenderer.StatsSocket), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                try
                {
                    _seen.UnionWith(await AskAsync(_socket, cancellationToken));
                    _samples++;
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    _lastError = e.Message; // HAProxy reloading: the next sample asks again
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped, or the bound was reached.
        }
    }

    private static async Task<IReadOnlySet<string>> AskAsync(string socketPath, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"show servers state {HaproxyConfigRenderer.Backend}\n"), cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var text = await reader.ReadToEndAsync(cancellationToken);
        // "1" (the format version), the header, then: be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(' ')).Where(f => f.Length > 6)
            .Where(f => (int.Parse(f[6], CultureInfo.InvariantCulture) & ForcedMaintenance) != 0).Select(f => f[3]).ToHashSet(StringComparer.Ordinal);
    }
}
