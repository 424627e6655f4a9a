using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: the first member started as a new one-member cluster. The initial-cluster
/// environment is written only if the member has no data yet, so running the step again (or on
/// a member that already holds the cluster) only makes sure it runs. Ends when the member is
/// healthy and lists itself.
/// </summary>
public sealed class BootstrapEtcdStep : IStep
{
    public StepKind Kind => StepKind.BootstrapEtcd;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            var environment = EtcdUnitRenderer.RenderInitialEnvironment(context.Cluster.Metadata.Name, [new(host.Name, EtcdUnitRenderer.PeerUrl(host))], existing: false);
            var script = ShellSnippets.Prelude + ShellSnippets.Etcdctl(host) + $$"""
                [ -f {{EtcdUnitRenderer.UnitPath}} ] || fail "{{EtcdUnitRenderer.UnitPath}} is missing (ConfigureEtcdMember writes it)"
                if [ ! -d {{EtcdUnitRenderer.DataDirectory}}/member ]; then
                {{ShellSnippets.WriteFile(EtcdUnitRenderer.InitialEnvironmentPath, environment, "0644")}}fi
                systemctl daemon-reload
                systemctl enable etcd >/dev/null 2>&1 || fail "systemctl enable etcd failed"
                systemctl is-active -q etcd || systemctl start etcd || fail "systemctl start etcd failed"
                wait_healthy 60
                ec member list | grep -q {{ShellQuote.Quote($", {host.Name}, {EtcdUnitRenderer.PeerUrl(host)},")}} || { ec member list >&2; fail "the member list does not show {{host.Name}} started"; }

                """;
            await HostCommands.RunAsync(context, name, Kind, "bootstrap the etcd cluster on its first member", script, cancellationToken);
        }
    }
}
