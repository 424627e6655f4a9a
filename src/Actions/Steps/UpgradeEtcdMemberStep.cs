using HaKube.Actions.Etcd;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>External etcd, one member, leadership handed over first; a member already at the target is only checked.</summary>
internal sealed class UpgradeEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.UpgradeEtcdMember;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var target = context.Spec.Version();
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            await HostCommands.RunAsync(context, name, Kind, $"install kubelet and kubeadm {target}",
                NodeUpgrade.Packages(context.Spec, context.Material.Referenced, ["kubelet", "kubeadm"]), cancellationToken, context.PackageTimeout);
            await EtcdStaticPod.PullImageAsync(context, Kind, name, cancellationToken);
            var changed = await EtcdStaticPod.SyncFilesAsync(context, Kind, host, cancellationToken);
            var script = ShellSnippets.Prelude + EtcdGatewayShell.Functions(host) + EtcdLeadership.MoveAwayFunction(context, host) +
                StaticPodRestart.Functions(host, etcdMember: true) + EtcdStaticPod.Functions + $$"""
                h=$(sha256sum {{KnownPaths.EtcdManifest}} 2>/dev/null) || h=
                if {{(changed.Count > 0 ? "true" : "false")}} || [ "${h%% *}" != "$(cat {{KnownPaths.EtcdManifestRecord}} 2>/dev/null)" ]; then
                  render_member {{KnownPaths.EtcdKubeadmConfig}}
                  restart_kubelet
                  restart_static_pods
                else
                  run_kubelet
                fi
                wait_healthy 180

                """;
            await HostCommands.RunAsync(context, name, Kind, $"move the etcd member to the etcd of {target}", script, cancellationToken, context.KubeadmUpgradeTimeout);
        }
    }
}
