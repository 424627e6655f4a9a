using System.Globalization;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Planning;
using HaKube.Model.Values;

namespace HaKube.Actions.Steps;

/// <summary>
/// A HAProxy host that left the spec, or stays in it without the LoadBalancer role. The planner runs this only once another load balancer of
/// the spec serves the endpoint (configured and active in the last probe), so the API keeps an
/// endpoint throughout. Where the last probe reached the host, haproxy is disabled and stopped,
/// and its haproxy.cfg moved aside (kept, never deleted) when HaKube wrote it - a file of someone
/// else's is left as it is. Post-condition: haproxy neither active nor enabled, nothing listening
/// on the host's address at the endpoint port, no HaKube-written haproxy.cfg in place. Running it
/// again finds all that already true and changes nothing. An unreachable host is not touched (the
/// host is gone, as the other removals treat it). The host is forgotten by the inventory at the
/// end, unless it also had another role whose removal step forgets it once that is done; a host
/// that stays in the spec has its LoadBalancer role retired in the inventory instead.
/// </summary>
public sealed class RemoveLoadBalancerStep : IStep
{
    public StepKind Kind => StepKind.RemoveLoadBalancer;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.LeavingHost(name);
            if (context.FactsOf(name) is { Reachable: true })
            {
                await HostCommands.RunAsync(context, name, Kind, "stop and disable HAProxy and move its configuration aside", Script(host.Address, context.Spec.ControlPlaneEndpoint.Port), token);
            }
            else
            {
                MembershipLog.LoadBalancerStopSkipped(context.Logger, name);
            }

            if (context.IsKept(name))
            {
                await HostRemoval.DoneAsync(context, name, HostRole.LoadBalancer, token);
            }
            else if (host.Roles.All(r => r == HostRole.LoadBalancer))
            {
                await HostRemoval.ForgetAsync(context, name, token);
            }
        }, cancellationToken);
    }

    internal static string Script(string address, int port)
    {
        var listener = ShellQuote.Quote($"src {UrlHost.For(address)} and sport = :{port.ToString(CultureInfo.InvariantCulture)}");
        var where = $"{UrlHost.For(address)}:{port.ToString(CultureInfo.InvariantCulture)}";
        return ShellSnippets.Prelude + $$"""
            cfg={{HaproxyConfigRenderer.ConfigPath}}
            systemctl disable haproxy >/dev/null 2>&1 || true
            systemctl stop haproxy >/dev/null 2>&1 || true
            ! systemctl is-active -q haproxy || fail "haproxy still runs after systemctl stop"
            ! systemctl is-enabled -q haproxy 2>/dev/null || fail "haproxy is still enabled after systemctl disable"
            ours() { [ -f "$cfg" ] && head -n 1 "$cfg" | grep -qF {{ShellQuote.Quote(HaproxyConfigRenderer.Header)}}; }
            if ours; then mv -f "$cfg" "$cfg.removed-$(date +%s)"; fi
            ! ours || fail "$cfg written by HaKube is still in place"
            n=0
            while ss -Hltn {{listener}} | grep -q .; do
              n=$((n + 1))
              [ "$n" -lt 50 ] || { ss -Hltnp {{listener}} >&2 || true; fail "something still listens on {{where}} 10 s after haproxy stopped"; }
              sleep 0.2
            done

            """;
    }
}
