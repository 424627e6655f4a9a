using System.Net;
using System.Net.Sockets;

namespace HaKube.Tests.Actions.Ssh;

/// <summary>
/// Test-only loopback TCP relay to a lab host's sshd that can play a host rebooted between two uses
/// of a pooled session. Reproduces what the client sees then: nothing at all (no FIN, no reset: the
/// machine that held the connection is gone), until its first packet on the old connection, which is
/// answered with a reset, as the rebooted host's kernel answers a segment for a connection it does
/// not know. New connections are relayed as before. Does not reproduce retransmission timing, a host
/// that stays down (segments unanswered), or anything of the reboot itself.
/// </summary>
internal sealed class ResettingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Task> _pumps = [];
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private Pair? _current;
    private int _resets;

    private ResettingRelay(string address, int port)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(address), port);
        if (!IPAddress.IsLoopback(_upstream.Address))
        {
            throw new ArgumentException($"the relay reaches loopback addresses only, not {address}", nameof(address));
        }

        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Client connections reset after <see cref="Reboot"/>.</summary>
    public int Resets => Volatile.Read(ref _resets);

    public static ResettingRelay Start(string address, int port) => new(address, port);

    /// <summary>The host's side of the current connection is gone; the client is not told.</summary>
    public void Reboot()
    {
        lock (_gate)
        {
            if (_current is { } pair)
            {
                pair.Silenced = true;
                pair.Upstream.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] pumps;
        lock (_gate)
        {
            _sockets.ForEach(s => s.Dispose());
            pumps = [.. _pumps, _accepting];
        }

        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
                lock (_gate)
                {
                    _sockets.Add(client);
                    _sockets.Add(upstream);
                }

                await upstream.ConnectAsync(_upstream, _stop.Token);
                var pair = new Pair(client, upstream);
                lock (_gate)
                {
                    _current = pair;
                    _pumps.Add(PumpAsync(pair, client, upstream, fromClient: true));
                    _pumps.Add(PumpAsync(pair, upstream, client, fromClient: false));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    // Copies until either side ends. Once the pair is silenced, the client's next bytes get a reset.
    private async Task PumpAsync(Pair pair, Socket from, Socket to, bool fromClient)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                if (pair.Silenced)
                {
                    if (fromClient)
                    {
                        // Linger 0: close sends a reset, not a FIN.
                        pair.Client.LingerState = new LingerOption(true, 0);
                        pair.Client.Close();
                        Interlocked.Increment(ref _resets);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side closed: the pair is over.
        }
    }

    private sealed class Pair(Socket client, Socket upstream)
    {
        public Socket Client { get; } = client;

        public Socket Upstream { get; } = upstream;

        public volatile bool Silenced;
    }
}
