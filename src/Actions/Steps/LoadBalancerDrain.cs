using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Planning;
using Microsoft.Extensions.Logging;

namespace HaKube.Actions.Steps;

/// <summary>
/// Takes a control plane out of every HAProxy host HaKube runs (runtime API: "set server ... state
/// maint") while its kube-apiserver restarts, and puts it back once it answers /readyz on its own
/// address. A restarted API server listens before it is ready (its etcd check, post-start hooks) and
/// answers 500 meanwhile; a restart shorter than HAProxy's health checks (fall 3, inter 2 s) never
/// marks it down, so without this, clients of the endpoint would be sent to it. A load balancer that
/// cannot be reached or told is logged and skipped: it only loses this refinement, and HAProxy's
/// retries still cover refused connections. A run cut short leaves the server in maintenance, which
/// the probe reports and ConfigureLoadBalancer undoes.
/// </summary>
internal static partial class LoadBalancerDrain
{
    /// <summary>Restoring must not wait on a cancelled run, but stays bounded.</summary>
    private static readonly TimeSpan RestoreBound = TimeSpan.FromSeconds(30);

    public static async Task AroundAsync(StepContext context, HostSpec controlPlane, StepKind step, Func<CancellationToken, Task> restart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(controlPlane);
        ArgumentNullException.ThrowIfNull(restart);
        var balancers = Balancers(context, controlPlane);
        try
        {
            await Parallel.ForEachAsync(balancers, cancellationToken, async (balancer, token) =>
                await SetStateAsync(context, balancer, controlPlane, step, "maint", token));
            await restart(cancellationToken);
        }
        finally
        {
            // Every balancer asked, whatever it answered: a command cut short may have taken effect,
            // and "ready" changes nothing on a server that is not in maintenance.
            using var bound = new CancellationTokenSource(RestoreBound);
            await Parallel.ForEachAsync(balancers, CancellationToken.None, async (balancer, _) =>
                await SetStateAsync(context, balancer, controlPlane, step, "ready", bound.Token));
        }
    }

    /// <summary>
    /// HAProxy hosts of the spec seen running haproxy with socat at hand. None when the control plane is
    /// the only one: taking it out would leave the endpoint nothing, not less.
    /// </summary>
    internal static IReadOnlyList<string> Balancers(StepContext context, HostSpec controlPlane)
    {
        var spec = context.Spec;
        if (spec.LoadBalancer.Provider != LoadBalancerProvider.HAProxy || !spec.ControlPlanes().Any(c => c.Name != controlPlane.Name))
        {
            return [];
        }

        return spec.LoadBalancer.Hosts
            .Where(h => context.FactsOf(h) is { Reachable: true } f && f.Programs.Contains("socat") && f.Services.TryGetValue("haproxy", out var state) && state == Model.Facts.ServiceState.Active)
            .ToList();
    }

    /// <summary>
    /// One runtime API command. "No such server" (a control plane the configuration does not list yet)
    /// counts as done; a host that could not be told is logged, never thrown for.
    /// </summary>
    private static async Task SetStateAsync(StepContext context, string balancer, HostSpec controlPlane, StepKind step, string state, CancellationToken cancellationToken)
    {
        var server = HaproxyWords.Name(controlPlane.Name);
        try
        {
            var result = await HostCommands.TryRunAsync(context, balancer, step, $"set {server} to {state} in HAProxy", Script(server, state), cancellationToken, TimeSpan.FromSeconds(20));
            if (result.Succeeded)
            {
                Log.StateSet(context.Logger, balancer, server, state);
            }
            else
            {
                Log.StateNotSet(context.Logger, balancer, server, state, string.Join(" / ", SecretScrubber.Tail(result.StdErr, 3)));
            }
        }
        catch (Exception e) when (e is StepFailedException or OperationCanceledException)
        {
            Log.StateNotSet(context.Logger, balancer, server, state, e.Message);
        }
    }

    internal static string Script(string server, string state) => ShellSnippets.Prelude + $$"""
        out=$({{HaproxyRuntimeApi.Send(ShellQuote.Quote($"set server {HaproxyConfigRenderer.Backend}/{server} state {state}"))}} 2>&1) || fail "socat could not reach HAProxy's runtime API: $out"
        case $out in
          ''|*'No such server'*) ;;
          *) fail "HAProxy answered: $out";;
        esac

        """;

    private static partial class Log
    {
        [LoggerMessage(6201, LogLevel.Information, "{Host}: HAProxy server {Server} set to {State}")]
        public static partial void StateSet(ILogger logger, string host, string server, string state);

        [LoggerMessage(6202, LogLevel.Warning, "{Host}: HAProxy server {Server} could not be set to {State} ({Detail}); the restart goes on")]
        public static partial void StateNotSet(ILogger logger, string host, string server, string state, string detail);
    }
}
