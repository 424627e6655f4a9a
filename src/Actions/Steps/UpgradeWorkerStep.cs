using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>Upgrades one worker as the kubeadm upgrade guide does.</summary>
internal sealed class UpgradeWorkerStep : IStep
{
    public StepKind Kind => StepKind.UpgradeWorker;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var target = context.Spec.Version();
        foreach (var name in planStep.Hosts)
        {
            var controlPlane = context.InitializedControlPlane(except: name)
                ?? throw new StepFailedException(name, Kind, "find a control plane to drain the worker through", "no reachable initialized control plane", []);
            await HostCommands.RunAsync(context, name, Kind, "mark the upgrade as started", NodeUpgrade.Started(target), cancellationToken);
            await HostCommands.RunAsync(context, controlPlane.Name, Kind, $"drain {name}",
                NodeUpgrade.Drain(name, context.DrainTimeout), cancellationToken, context.DrainTimeout + TimeSpan.FromMinutes(1));
            await HostCommands.RunAsync(context, name, Kind, $"install kubeadm {target}",
                NodeUpgrade.Packages(context.Spec, context.Material.Referenced, ["kubeadm"]), cancellationToken, context.PackageTimeout);
            await HostCommands.RunAsync(context, name, Kind, "refresh the node with kubeadm upgrade node",
                ShellSnippets.Prelude + "kubeadm upgrade node >/dev/null || fail \"kubeadm upgrade node failed\"\n", cancellationToken, context.KubeadmUpgradeTimeout);
            await HostCommands.RunAsync(context, name, Kind, $"install kubelet and kubectl {target}",
                NodeUpgrade.Packages(context.Spec, context.Material.Referenced, ["kubelet", "kubectl"]), cancellationToken, context.PackageTimeout);
            await HostCommands.RunAsync(context, name, Kind, "restart the kubelet", NodeUpgrade.RestartKubelet, cancellationToken);
            await HostCommands.RunAsync(context, controlPlane.Name, Kind, $"uncordon {name} once it reports kubelet {target}",
                NodeUpgrade.Uncordon(name, target), cancellationToken, TimeSpan.FromMinutes(4));
            await HostCommands.RunAsync(context, name, Kind, "mark the upgrade as finished", NodeUpgrade.Finished, cancellationToken);
        }
    }
}
