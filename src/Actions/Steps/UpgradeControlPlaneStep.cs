using HaKube.Actions.Etcd;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Upgrades one control plane as the kubeadm upgrade guide does. Apply or node is decided by asking
/// the cluster at run time, so a re-run after an interrupted apply does the right one; kubeadm is
/// skipped where the static pods already run the target.
/// </summary>
internal sealed class UpgradeControlPlaneStep : IStep
{
    public StepKind Kind => StepKind.UpgradeControlPlane;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var target = context.Spec.Version();
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            await HostCommands.RunAsync(context, name, Kind, "mark the upgrade as started", NodeUpgrade.Started(target), cancellationToken);
            await HostCommands.RunAsync(context, name, Kind, $"install kubeadm {target}",
                NodeUpgrade.Packages(context.Spec, context.Material.Referenced, ["kubeadm"]), cancellationToken, context.PackageTimeout);
            await HostCommands.RunAsync(context, name, Kind, $"pull the images of {target}", PullImagesStep.Script(context.Spec, controlPlane: true), cancellationToken, context.ImagePullTimeout);
            var which = await HostCommands.RunAsync(context, name, Kind, $"check the cluster's version (kubeadm upgrade plan {target} where it is older)",
                KubeadmUpgradePlan(target), cancellationToken, StepBudgets.KubeadmUpgradePlan);
            var command = which.StdOut.Trim() switch
            {
                "apply" => $"kubeadm upgrade apply {ShellQuote.Quote(target.ToString())} -y >/dev/null || fail \"kubeadm upgrade apply {target} failed\"",
                "node" => "kubeadm upgrade node >/dev/null || fail \"kubeadm upgrade node failed\"",
                _ => ":",
            };
            async Task UpgradeAsync(CancellationToken token)
            {
                await HostCommands.RunAsync(context, name, Kind, $"upgrade the control plane to {target} with kubeadm upgrade",
                    ShellSnippets.Prelude + command + "\n", token, context.KubeadmUpgradeTimeout);
                await HostCommands.RunAsync(context, name, Kind, "wait for the upgraded control plane",
                    ShellSnippets.Prelude + KubeadmRun.WaitApiServerReady(host.Address, 180) + EtcdWait(context, host), token, context.KubeadmTimeout);
            }

            // kubeadm upgrade restarts kube-apiserver: out of the load balancers until it is ready again.
            await (command == ":" ? UpgradeAsync(cancellationToken) : LoadBalancerDrain.AroundAsync(context, host, Kind, UpgradeAsync, cancellationToken));
            await HostCommands.RunAsync(context, name, Kind, $"drain {name}", NodeUpgrade.Drain(name, context.DrainTimeout), cancellationToken, context.DrainTimeout + TimeSpan.FromMinutes(1));
            await HostCommands.RunAsync(context, name, Kind, $"install kubelet and kubectl {target}",
                NodeUpgrade.Packages(context.Spec, context.Material.Referenced, ["kubelet", "kubectl"]), cancellationToken, context.PackageTimeout);
            await HostCommands.RunAsync(context, name, Kind, "restart the kubelet", NodeUpgrade.RestartKubelet, cancellationToken);
            await HostCommands.RunAsync(context, name, Kind, $"uncordon {name} once it reports kubelet {target}", NodeUpgrade.Uncordon(name, target), cancellationToken, TimeSpan.FromMinutes(4));
            await HostCommands.RunAsync(context, name, Kind, "mark the upgrade as finished", NodeUpgrade.Finished, cancellationToken);
        }
    }

    /// <summary>
    /// Prints "apply" while kubeadm-config names another version (first control plane, or an interrupted
    /// apply), else "node", or "done" where the three manifests name the target. The upgrade runs
    /// apart, under its own budget.
    /// </summary>
    internal static string KubeadmUpgradePlan(KubernetesVersion target)
    {
        var t = ShellQuote.Quote(target.ToString());
        var components = string.Join(' ', HostFacts.ControlPlaneComponents);
        return ShellSnippets.Prelude + $$"""
            t={{t}}
            done=1
            for c in {{components}}; do
              grep -Eq "^[[:space:]-]*image:[[:space:]\"']*[^[:space:]]*:$t[\"']*[[:space:]]*\$" "{{KnownPaths.Manifests}}/$c.yaml" 2>/dev/null || done=
            done
            cc=$(kubectl --kubeconfig {{KnownPaths.AdminConf}} --request-timeout=20s -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}') \
              || fail "cannot read the kubeadm-config ConfigMap"
            cv=$(printf '%s\n' "$cc" | sed -n 's/^kubernetesVersion:[[:space:]]*["'\'']*\([^"'\'' ]*\).*/\1/p')
            [ -n "$cv" ] || fail "the kubeadm-config ConfigMap names no kubernetesVersion"
            if [ "$cv" != "$t" ]; then
              kubeadm upgrade plan "$t" >/dev/null || fail "kubeadm upgrade plan failed (cluster at $cv)"
              echo apply
            elif [ -z "$done" ]; then
              echo node
            else
              echo done
            fi

            """;
    }

    private static string EtcdWait(StepContext context, HostSpec host) =>
        context.Spec.Etcd.Topology == EtcdTopology.Stacked ? EtcdGatewayShell.Functions(host) + "wait_healthy 120\n" : "";
}
