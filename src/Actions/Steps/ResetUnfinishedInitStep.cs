using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// kubeadm reset -f on a control plane where kubeadm init stopped half-way, so that the
/// InitControlPlane step after it starts from a clean host (kubeadm's preflight refuses the
/// manifests, ports and etcd data an unfinished init leaves). Before resetting it checks on the
/// host, once more, that init is still unfinished there: a finished init (kubelet.conf naming the
/// rotating certificate) is never reset. Stacked etcd: reset empties the lone member's data, which
/// holds nothing but what the unfinished init wrote (the planner checked no other member exists).
/// </summary>
public sealed class ResetUnfinishedInitStep : IStep
{
    private static readonly string StillUnfinished = ShellSnippets.Prelude + $$"""
        [ -f {{KnownPaths.AdminConf}} ] || exit 0
        grep -q '^ *client-certificate-data:' {{KnownPaths.KubeletConf}} 2>/dev/null || fail "{{KnownPaths.KubeletConf}} no longer embeds its client certificate: kubeadm init has finished here since the probe, so the host is not reset"

        """;

    public StepKind Kind => StepKind.ResetUnfinishedInit;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            await HostCommands.RunAsync(context, name, Kind, "check that kubeadm init is still unfinished", StillUnfinished, token);
            await HostRemoval.ResetAsync(context, Kind, name, token);
        }, cancellationToken);
    }
}
