using System.Globalization;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using HaKube.Model.Values;

namespace HaKube.Actions.Steps;

/// <summary>haproxy.cfg is checked with <c>haproxy -c</c> before it is renamed into place; backends are down until control planes run.</summary>
internal sealed class ConfigureLoadBalancerStep : IStep
{
    private const string Pending = "/etc/haproxy/.haproxy.cfg.hakube-pending";

    /// <summary>Server $s back to ready (shell: $s is set by the loop that runs it).</summary>
    private static readonly string ReadyAgain = HaproxyRuntimeApi.Send($"\"set server {HaproxyConfigRenderer.Backend}/$s state ready\"");

    public StepKind Kind => StepKind.ConfigureLoadBalancer;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.Host(name);
            var config = new ManagedFile(HaproxyConfigRenderer.ConfigPath, HaproxyConfigRenderer.Render(context.Spec, host), "0644", Kind);
            await HostCommands.UploadAsync(context, name, Kind, config with { Path = Pending }, token);
            await HostCommands.RunAsync(context, name, Kind, "install, validate and (re)load the HAProxy configuration", Script(host.Address, context.Spec.ControlPlaneEndpoint.Port), token);
            await HostCommands.VerifyFilesAsync(context, name, Kind, [config], token);
        }, cancellationToken);
    }

    internal static string Script(string address, int port) => ShellSnippets.Prelude + $$"""
        cfg={{HaproxyConfigRenderer.ConfigPath}}
        new={{Pending}}
        mkdir -p /run/haproxy
        if ! out=$(haproxy -c -q -f "$new" 2>&1); then
          rm -f "$new"; echo "$out" >&2; fail "the rendered configuration does not pass haproxy -c"
        fi
        changed=
        if cmp -s "$new" "$cfg"; then rm -f "$new"; else mv -f "$new" "$cfg"; changed=1; fi
        if ! systemctl cat haproxy.service >/dev/null 2>&1; then
        {{ShellSnippets.WriteFile(HaproxyUnit.Path, HaproxyUnit.Content, "0644")}}  systemctl daemon-reload
        fi
        systemctl enable haproxy >/dev/null 2>&1 || fail "systemctl enable haproxy failed"
        if systemctl is-active -q haproxy; then
          if [ -n "$changed" ]; then systemctl reload haproxy || fail "systemctl reload haproxy failed"; fi
        else
          systemctl start haproxy || fail "systemctl start haproxy failed"
        fi
        n=0
        until systemctl is-active -q haproxy && ss -Hltn {{ShellQuote.Quote($"src {UrlHost.For(address)} and sport = :{port.ToString(CultureInfo.InvariantCulture)}")}} | grep -q .; do
          n=$((n + 1))
          if [ "$n" -ge 75 ]; then
            systemctl status haproxy --no-pager -n 15 >&2 || true
            fail "haproxy is not active and listening on {{UrlHost.For(address)}}:{{port.ToString(CultureInfo.InvariantCulture)}} after 15 s"
          fi
          sleep 0.2
        done
        # A server left in maintenance by a restart cut short goes back: HAProxy's checks decide from here.
        if [ -S {{HaproxyConfigRenderer.StatsSocket}} ] && command -v socat >/dev/null 2>&1; then
          for s in $({{HaproxyRuntimeApi.ServersInMaintenance()}}); do
            out=$({{ReadyAgain}}) || fail "socat could not reach HAProxy's runtime API"
            [ -z "$out" ] || fail "HAProxy answered set server $s state ready with: $out"
          done
        fi

        """;
}
