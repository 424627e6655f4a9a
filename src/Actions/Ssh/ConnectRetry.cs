using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;

namespace HaKube.Actions.Ssh;

/// <summary>Retries opening a session only, when no command can have run yet. Host key and authentication refusals are final.</summary>
internal static class ConnectRetry
{
    public static ResiliencePipeline Create(SshSettings settings, TimeProvider time, ILogger logger, string host, string endpoint) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsConnectFault),
                MaxRetryAttempts = Math.Max(settings.ConnectRetries, 1),
                Delay = settings.ConnectRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    Log.ConnectRetry(logger, host, endpoint, Describe(args.Outcome.Exception!), args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .Build();

    public static bool IsConnectFault(Exception e) => e switch
    {
        HostKeyMismatchException or SshAuthenticationFailedException or OperationCanceledException => false,
        SocketException or ProxyException or SshOperationTimeoutException or TimeoutException => true,
        SshConnectionException connection => connection.DisconnectReason is not DisconnectReason.HostKeyNotVerifiable,
        _ => false,
    };

    public static string Describe(Exception e) => e switch
    {
        SocketException socket => socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.TimedOut => "connect timed out",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to host",
            SocketError.ConnectionReset => "connection reset",
            _ => "socket error " + socket.SocketErrorCode,
        },
        SshOperationTimeoutException or TimeoutException => "SSH handshake timed out",
        SshConnectionException connection => "SSH session failed: " + connection.Message,
        _ => e.Message,
    };
}
