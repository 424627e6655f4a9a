using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// kubeadm reset -f where kubeadm init stopped half-way, since kubeadm's preflight refuses what it
/// left. Checked once more on the host first: a finished init is never reset. With Stacked etcd the
/// lone member holds only what the unfinished init wrote (the planner checked no other exists).
/// </summary>
internal sealed class ResetUnfinishedInitStep : IStep
{
    private static readonly string StillUnfinished = ShellSnippets.Prelude + $$"""
        [ -f {{KnownPaths.AdminConf}} ] || exit 0
        grep -q '^ *client-certificate-data:' {{KnownPaths.KubeletConf}} 2>/dev/null ||
          fail "{{KnownPaths.KubeletConf}} no longer embeds its client certificate: kubeadm init has finished here since the probe, so the host is not reset"

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
