using HaKube.Actions.Etcd;
using HaKube.Actions.Pki;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: the member's files, written where they differ. A running member is re-rendered
/// when its kubeadm configuration changed or etcd.yaml no longer matches the record, and restarted
/// (leadership handed over first) when its certificates changed, since etcd reads them only at
/// start. A member not created yet is left to BootstrapEtcd, AddEtcdMember and MigrateEtcdMember.
/// </summary>
internal sealed class ConfigureEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.ConfigureEtcdMember;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.Host(name);
            var files = EtcdStaticPod.Files(context, host);
            var changed = await EtcdStaticPod.SyncFilesAsync(context, Kind, host, token);
            var facts = context.FactsOf(name);
            var edited = facts is not null && facts.IsPresent(KnownPaths.EtcdManifest) &&
                !string.Equals(facts.Files[KnownPaths.EtcdManifest].Sha256, facts.EtcdManifestRecord, StringComparison.OrdinalIgnoreCase);
            var rerender = edited || changed.Contains(KnownPaths.EtcdKubeadmConfig);
            var restart = rerender || changed.Any(p => p.StartsWith(PkiPaths.EtcdDirectory + "/", StringComparison.Ordinal));
            var kubelet = changed.Contains(KnownPaths.EtcdKubeletDropIn) || changed.Contains(KnownPaths.EtcdKubeletConfig);
            if (rerender)
            {
                await EtcdStaticPod.PullImageAsync(context, Kind, name, token);
            }

            var script = ShellSnippets.Prelude + EtcdGatewayShell.Functions(host) + EtcdLeadership.MoveAwayFunction(context, host) +
                StaticPodRestart.Functions(host, etcdMember: true) + EtcdStaticPod.Functions + $$"""
                mkdir -p {{KnownPaths.EtcdDataDirectory}} && chmod 0700 {{KnownPaths.EtcdDataDirectory}}
                if {{Shell(kubelet)}} && { systemctl is-active -q kubelet || [ -f {{KnownPaths.EtcdManifest}} ]; }; then restart_kubelet; fi
                if [ -f {{KnownPaths.EtcdManifest}} ]; then
                  if {{Shell(rerender)}}; then render_member {{KnownPaths.EtcdKubeadmConfig}}; fi
                  if {{Shell(restart)}}; then run_kubelet; restart_static_pods; fi
                fi

                """;
            await HostCommands.RunAsync(context, name, Kind, "apply the etcd member's files (restarting a running member whose certificates or configuration changed)",
                script, token, context.KubeadmTimeout);
            await HostCommands.VerifyFilesAsync(context, name, Kind, files, token);
        }, cancellationToken);
    }

    private static string Shell(bool value) => value ? "true" : "false";
}
