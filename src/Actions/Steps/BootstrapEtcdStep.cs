using HaKube.Actions.Etcd;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>External etcd: the first member. Only a host without data gets the new-cluster configuration, so re-runs are safe.</summary>
internal sealed class BootstrapEtcdStep : IStep
{
    public StepKind Kind => StepKind.BootstrapEtcd;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            await EtcdStaticPod.SyncFilesAsync(context, Kind, host, cancellationToken);
            await EtcdStaticPod.PullImageAsync(context, Kind, name, cancellationToken);
            var start = new EtcdMemberStart([new(host.Name, EtcdStaticPod.PeerUrl(host))], Existing: false);
            var script = ShellSnippets.Prelude + EtcdGatewayShell.Functions(host) + EtcdStaticPod.Functions + $$"""
                if [ ! -d {{KnownPaths.EtcdDataDirectory}}/member ]; then
                {{EtcdStaticPod.WriteStartConfig(context.Cluster, host, start)}}  render_member {{EtcdStaticPod.StartConfig}}
                  rm -f {{EtcdStaticPod.StartConfig}}
                elif [ ! -f {{KnownPaths.EtcdManifest}} ]; then
                  render_member {{KnownPaths.EtcdKubeadmConfig}}
                fi
                run_kubelet
                wait_healthy 120
                member_listed {{ShellQuote.Quote($"\"name\":\"{host.Name}\"")}} || { printf '%s\n' "$out" >&2; fail "the member list does not show {{host.Name}} started"; }

                """;
            await HostCommands.RunAsync(context, name, Kind, "bootstrap the etcd cluster on its first member", script, cancellationToken, context.KubeadmTimeout);
        }
    }
}
