using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Leader election on a coordination.k8s.io Lease with the client's LeaderElector: only the holder
/// acts. When leadership is lost the work is cancelled at once (another daemon may already act),
/// and this daemon goes back to standing by.
/// </summary>
internal sealed partial class LeaseLeadership(IKubernetes client, KubernetesOptions options, ILogger logger)
{
    /// <summary>Runs <paramref name="lead"/> whenever this daemon holds the Lease, until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lead);
        while (!cancellationToken.IsCancellationRequested)
        {
            var config = new LeaderElectionConfig(new LeaseLock(client, options.Namespace, options.LeaseName, options.Identity))
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            };
            using var elector = new LeaderElector(config);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            elector.OnStartedLeading += () => started.TrySetResult();
            elector.OnStoppedLeading += () => leading.Cancel();
            LogStandingBy(logger, options.Identity, options.Namespace, options.LeaseName);
            var electing = elector.RunUntilLeadershipLostAsync(leading.Token);
            await Task.WhenAny(started.Task, electing);
            if (started.Task.IsCompleted)
            {
                LogLeading(logger, options.Identity);
                try
                {
                    await lead(leading.Token);
                }
                catch (OperationCanceledException) when (leading.IsCancellationRequested)
                {
                    // Stopping, or leadership lost.
                }

                await leading.CancelAsync();
            }

            try
            {
                await electing;
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                // Stopping.
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                LogLost(logger, options.Identity);
            }
        }
    }

    [LoggerMessage(4311, LogLevel.Information, "{Identity} standing by for Lease {Namespace}/{Lease}")]
    private static partial void LogStandingBy(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(4312, LogLevel.Information, "{Identity} holds the Lease and acts")]
    private static partial void LogLeading(ILogger logger, string identity);

    [LoggerMessage(4313, LogLevel.Warning, "{Identity} lost the Lease: stopped acting, standing by again")]
    private static partial void LogLost(ILogger logger, string identity);
}
