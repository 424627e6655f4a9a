using System.Globalization;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Planning;
using HaKube.Model.Values;

namespace HaKube.Actions.Steps;

/// <summary>
/// A HAProxy host leaving the spec (or the role). The planner runs this only once another load
/// balancer serves the endpoint, so the API keeps one throughout. A haproxy.cfg HaKube did not write
/// is left as it is; an unreachable host is not touched. Another role's removal step forgets a host
/// that had one.
/// </summary>
internal sealed class RemoveLoadBalancerStep : IStep
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
