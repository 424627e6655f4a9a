using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace HaKube.Actions.Ssh;

/// <summary>One pooled session to one host, (re)connected on use. Commands that may have started are never retried.</summary>
internal sealed class SshConnection : IHostConnection, IAsyncDisposable
{
    // The host's clock for a deadline starts a little after ours (channel open, exec), never much before.
    private static readonly TimeSpan DeadlineSkew = TimeSpan.FromSeconds(1);

    private readonly SshTarget _target;
    private readonly SshSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _connectPipeline;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private SshClient? _client;
    private SshClient? _bastion;
    private ForwardedPortLocal? _forward;
    private int _connects;

    public SshConnection(SshTarget target, SshSettings settings, TimeProvider time, ILogger logger)
    {
        _target = target;
        _settings = settings;
        _time = time;
        _logger = logger;
        _connectPipeline = ConnectRetry.Create(settings, time, logger, target.Name, target.Endpoint.ToString());
    }

    public string Host => _target.Name;

    public SshTarget Target => _target;

    /// <summary>Tests use it to see reuse.</summary>
    public int Connects => Volatile.Read(ref _connects);

    public bool IsConnected => _client is { IsConnected: true } && (_bastion is null || _bastion.IsConnected);

    public async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (IsConnected)
        {
            return;
        }

        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (IsConnected)
            {
                return;
            }

            if (_client is not null)
            {
                Log.Reconnecting(_logger, Host);
                CloseSession();
            }

            try
            {
                await _connectPipeline.ExecuteAsync(ConnectOnceAsync, cancellationToken);
            }
            catch (Exception e) when (ConnectRetry.IsConnectFault(e))
            {
                throw new HostUnreachableException(Host, $"host {Host} ({_target.Endpoint}): {ConnectRetry.Describe(e)}", e);
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    public async Task<CommandResult> RunAsync(string script, CommandOptions? options, CancellationToken cancellationToken)
    {
        options ??= CommandOptions.Default;
        var raw = await RunRawAsync(script, options, options.MaxCaptureBytes ?? _settings.MaxCaptureBytes, cancellationToken);
        return raw.ToResult();
    }

    public async Task UploadAsync(string path, ReadOnlyMemory<byte> content, RemoteFileOptions options, CancellationToken cancellationToken)
    {
        var script = RemoteFiles.UploadScript(path, options);
        var result = await RunAsync(script, new CommandOptions { Name = "upload " + path, Stdin = content }, cancellationToken);
        result.EnsureSuccess(Host, "upload " + path);
    }

    public async Task<byte[]?> DownloadAsync(string path, CancellationToken cancellationToken)
    {
        var name = "download " + path;
        var raw = await RunRawAsync(RemoteFiles.DownloadScript(path), new CommandOptions { Name = name }, _settings.MaxDownloadBytes, cancellationToken);
        if (raw.ExitStatus == RemoteFiles.MissingExitStatus)
        {
            return null;
        }

        raw.ToResult().EnsureSuccess(Host, name);
        return raw.StdOut.Truncated
            ? throw new RemoteCommandFailedException(Host, name, raw.ToResult() with { StdErr = $"file larger than {_settings.MaxDownloadBytes} bytes" })
            : raw.StdOut.ToArray();
    }

    public async Task<long?> DownloadToAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var name = "download " + path;
        var raw = await RunRawAsync(RemoteFiles.DownloadScript(path), new CommandOptions { Name = name }, _settings.MaxCaptureBytes, cancellationToken, destination);
        if (raw.ExitStatus == RemoteFiles.MissingExitStatus)
        {
            return null;
        }

        raw.ToResult().EnsureSuccess(Host, name);
        return raw.StdOut.Total;
    }

    private async Task<RawResult> RunRawAsync(string script, CommandOptions options, int captureLimit, CancellationToken cancellationToken, Stream? stdoutTo = null)
    {
        // Connected before the timeout starts: the host's deadline starts with the command, not before.
        await EnsureConnectedAsync(cancellationToken);
        var timeout = options.Timeout ?? _settings.CommandTimeout;
        // The same budget on the host: what HaKube stopped waiting for stops there too.
        var text = RemoteShell.CommandLine(script, RemoteShell.NeedsSudo(_target.Endpoint.User), timeout);
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        // A streamed download keeps none of stdout in memory: it all goes to stdoutTo.
        var stdout = stdoutTo is null ? new BoundedCapture(captureLimit) : new BoundedCapture(0, stdoutTo);
        var stderr = new BoundedCapture(captureLimit);
        var started = _time.GetTimestamp();
        // Ends when the command's output is drained or it failed: the span the remote side was busy.
        using var observed = RemoteCommandObserver.Current?.Invoke();
        Log.CommandStarted(_logger, Host, options.Name);
        var (command, execution) = await StartAsync(text, options.Name, linked.Token, cancellationToken);
        using var owned = command;

        try
        {
            if (options.Stdin is { } stdin)
            {
                await using var input = command.CreateInputStream();
                await input.WriteAsync(stdin, linked.Token);
            }

            while (!execution.IsCompleted)
            {
                stdout.Drain(command.OutputStream, untilEnd: false);
                stderr.Drain(command.ExtendedOutputStream, untilEnd: false);
                await Task.WhenAny(execution, Task.Delay(_settings.OutputPollInterval, _time, CancellationToken.None));
            }

            await execution;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.CommandTimedOut(_logger, Host, options.Name, timeout.TotalMilliseconds);
            throw new RemoteCommandTimeoutException(Host, options.Name, timeout);
        }
        catch (Exception e) when (e is SshConnectionException or ObjectDisposedException || (e is SshException && !IsConnected))
        {
            Log.ConnectionLost(_logger, Host, options.Name);
            throw new HostUnreachableException(Host, $"host {Host}: connection lost while {options.Name} ran; it may have run", e);
        }
        finally
        {
            if (execution.IsCompleted)
            {
                stdout.Drain(command.OutputStream, untilEnd: true);
                stderr.Drain(command.ExtendedOutputStream, untilEnd: true);
            }
        }

        var raw = new RawResult(command.ExitStatus, command.ExitSignal, stdout, stderr);
        if (raw.ExitStatus == RemoteShell.DeadlineExitStatus && _time.GetElapsedTime(started) >= timeout - DeadlineSkew)
        {
            // The host's deadline fired a moment before ours: the same timeout, seen from the other side.
            Log.CommandTimedOut(_logger, Host, options.Name, timeout.TotalMilliseconds);
            throw new RemoteCommandTimeoutException(Host, options.Name, timeout);
        }

        Log.CommandEnded(_logger, Host, options.Name, raw.ToResult().Outcome, _time.GetElapsedTime(started).TotalMilliseconds, stdout.Total, stderr.Total);
        if (stdout.Truncated || stderr.Truncated)
        {
            Log.OutputTruncated(_logger, Host, options.Name, captureLimit);
        }

        return raw;
    }

    /// <summary>
    /// Opens the command's channel and starts it. A session that died unseen (a host rebooted between
    /// passes answers the first packet with a reset) fails the channel's opening; the command never
    /// started then, so it is started once more on a new session. Past that, a failure is the host's.
    /// </summary>
    /// <remarks>The caller has connected; only the second attempt connects again.</remarks>
    private async Task<(SshCommand Command, Task Execution)> StartAsync(string text, string name, CancellationToken commandToken, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var client = _client ?? throw new HostUnreachableException(Host, $"host {Host}: not connected");
            var command = client.CreateCommand(text);
            try
            {
                return (command, command.ExecuteAsync(commandToken));
            }
            catch (Exception e) when (e is SshException or SocketException or ObjectDisposedException)
            {
                command.Dispose();
                // A timeout or a refused channel leaves the session up: no new session would do better.
                var sessionDied = e is SshConnectionException or SocketException or ObjectDisposedException || !client.IsConnected;
                if (attempt == 1 && sessionDied)
                {
                    Log.SessionDiedUnseen(_logger, Host, name);
                    await CloseIfCurrentAsync(client, cancellationToken);
                    await EnsureConnectedAsync(cancellationToken);
                    continue;
                }

                Log.ConnectionLost(_logger, Host, name);
                throw new HostUnreachableException(Host, $"host {Host}: session lost before {name} started", e);
            }
        }
    }

    // The session is closed under the gate, and only if no other command has replaced it meanwhile.
    private async Task CloseIfCurrentAsync(SshClient stale, CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            if (ReferenceEquals(_client, stale))
            {
                CloseSession();
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async ValueTask ConnectOnceAsync(CancellationToken cancellationToken)
    {
        SshClient? bastion = null;
        ForwardedPortLocal? forward = null;
        try
        {
            var address = _target.Endpoint.Address;
            var port = _target.Endpoint.Port;
            if (_target.Bastion is { } jump)
            {
                bastion = await OpenAsync(jump, jump.Address, jump.Port, "bastion " + jump.Address, cancellationToken);
                // Loopback only and an ephemeral port: nothing outside this machine can use the tunnel.
                forward = new ForwardedPortLocal("127.0.0.1", 0, address, (uint)port);
                bastion.AddForwardedPort(forward);
                forward.Start();
                Log.Forwarding(_logger, Host, forward.BoundPort, jump.ToString(), _target.Endpoint.ToString());
                address = "127.0.0.1";
                port = (int)forward.BoundPort;
            }

            var client = await OpenAsync(_target.Endpoint, address, port, Host, cancellationToken);
            (_client, _bastion, _forward) = (client, bastion, forward);
            Interlocked.Increment(ref _connects);
        }
        catch
        {
            forward?.Dispose();
            bastion?.Dispose();
            throw;
        }
    }

    /// <summary>A refused host key ends the key exchange, so no channel is ever opened on an untrusted host.</summary>
    private async Task<SshClient> OpenAsync(SshEndpoint endpoint, string address, int port, string who, CancellationToken cancellationToken)
    {
        var auth = new PrivateKeyAuthenticationMethod(endpoint.User, _target.Key.Source);
        var info = new ConnectionInfo(address, port, endpoint.User, auth) { Timeout = _settings.ConnectTimeout };
        var client = new SshClient(info);
        HostKeyVerdict? verdict = null;
        byte[]? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = e.HostKey;
            verdict = endpoint.HostKeys.Check(e.HostKey);
            e.CanTrust = verdict == HostKeyVerdict.Trusted;
        };

        var started = _time.GetTimestamp();
        Log.Connecting(_logger, who, endpoint.ToString());
        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (Exception e)
        {
            client.Dispose();
            if (verdict is { } rejected and not HostKeyVerdict.Trusted)
            {
                var expected = endpoint.HostKeys.Expected.Select(k => HostKeyPolicy.Fingerprint(k.Blob)).ToList();
                var fingerprint = HostKeyPolicy.Fingerprint(presented!);
                Log.HostKeyRejected(_logger, who, endpoint.ToString(), rejected, fingerprint, string.Join(", ", expected), endpoint.HostKeys.Source);
                throw new HostKeyMismatchException(who, KnownHosts.LookupName(endpoint.Address, endpoint.Port), rejected, expected, fingerprint, endpoint.HostKeys.Source);
            }

            if (e is SshAuthenticationException)
            {
                throw new SshAuthenticationFailedException(who, endpoint.User, e);
            }

            throw;
        }

        if (verdict != HostKeyVerdict.Trusted)
        {
            // SSH.NET trusts any key when nobody answers; a handshake that never asked is refused.
            client.Dispose();
            throw new HostKeyMismatchException(who, KnownHosts.LookupName(endpoint.Address, endpoint.Port), HostKeyVerdict.Unknown, [], "(none seen)", endpoint.HostKeys.Source);
        }

        client.KeepAliveInterval = _settings.KeepAliveInterval;
        Log.Connected(_logger, who, endpoint.ToString(), _time.GetElapsedTime(started).TotalMilliseconds);
        return client;
    }

    private void CloseSession()
    {
        _client?.Dispose();
        _forward?.Dispose();
        _bastion?.Dispose();
        (_client, _bastion, _forward) = (null, null, null);
    }

    public async ValueTask DisposeAsync()
    {
        await _connectGate.WaitAsync();
        try
        {
            Log.Closing(_logger, Host);
            CloseSession();
        }
        finally
        {
            _connectGate.Release();
            _connectGate.Dispose();
        }
    }

    private sealed record RawResult(int? ExitStatus, string? ExitSignal, BoundedCapture StdOut, BoundedCapture StdErr)
    {
        public CommandResult ToResult() =>
            new(ExitStatus, ExitSignal, StdOut.ToText(), StdErr.ToText(), StdOut.Truncated || StdErr.Truncated);
    }
}

/// <summary>
/// Lets apply time remote commands in its own async flow: <see cref="Current"/> is called as each exec starts, and
/// the scope it returns is disposed when that exec ends, however it ends. Unset by default; async-local, so applies never mix.
/// </summary>
public static class RemoteCommandObserver
{
    private static readonly AsyncLocal<Func<IDisposable>?> Observer = new();

    public static Func<IDisposable>? Current
    {
        get => Observer.Value;
        set => Observer.Value = value;
    }
}
