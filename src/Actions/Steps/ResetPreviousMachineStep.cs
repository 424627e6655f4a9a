using HaKube.Actions.Rendering;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// Resets the old machine of a host replaced at a new address: left alone it would keep a kubelet
/// posting for the new machine's Node, and static pods. Units are disabled too, so a reboot does not
/// bring them back. The Node and etcd member are not touched: the planner runs this only once the
/// old member is gone. An unreachable machine is only forgotten.
/// </summary>
internal sealed class ResetPreviousMachineStep : IStep
{
    public StepKind Kind => StepKind.ResetPreviousMachine;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (key, token) =>
        {
            var machine = context.DepartingHost(key);
            if (!PreviousMachine.TryParse(key, out _))
            {
                throw new StepFailedException(key, Kind, "reset a previous machine", "not a previous machine", [$"{key} names a host, not a previous machine (NAME@ADDRESS)"]);
            }

            // The last word before an irreversible reset: the machine at a spec address is a spec host's.
            if (context.Spec.Hosts.FirstOrDefault(h => string.Equals(h.Address, machine.Address, StringComparison.OrdinalIgnoreCase)) is { } owner)
            {
                throw new StepFailedException(key, Kind, "reset a previous machine", "refused", [$"{machine.Address} is the address of {owner.Name} in the spec; that machine is never reset"]);
            }

            if (context.FactsOf(key) is { Reachable: true })
            {
                await HostCommands.RunAsync(context, key, Kind, "reset the previous machine (kubeadm reset -f, kubelet and etcd stopped)", Script, token, context.KubeadmTimeout);
            }
            else
            {
                MembershipLog.ResetSkipped(context.Logger, key);
            }

            await HostRemoval.ForgetAsync(context, key, token);
        }, cancellationToken);
    }

    private static readonly string Script = ShellSnippets.Prelude + $$"""
        if command -v kubeadm >/dev/null 2>&1; then
          kubeadm reset -f >/dev/null 2>/run/hakube-reset.err || { tail -n 5 /run/hakube-reset.err >&2; fail "kubeadm reset -f failed"; }
        fi
        for unit in kubelet etcd; do
          systemctl disable "$unit" >/dev/null 2>&1 || true
          systemctl stop "$unit" >/dev/null 2>&1 || true
          ! systemctl is-active -q "$unit" || fail "$unit still runs after systemctl stop"
        done
        rm -f {{KnownPaths.Manifests}}/*.yaml
        if [ -d {{EtcdMemberFiles.DataDirectory}}/member ]; then mv {{EtcdMemberFiles.DataDirectory}}/member "{{EtcdMemberFiles.DataDirectory}}/member.removed-$(date +%s)"; fi
        for f in {{KnownPaths.AdminConf}} {{KnownPaths.KubeletConf}}; do [ ! -e "$f" ] || fail "$f is still there after kubeadm reset"; done
        if command -v pgrep >/dev/null 2>&1; then
          n=0
          while pgrep -x etcd >/dev/null 2>&1; do
            n=$((n + 1)); [ "$n" -lt 30 ] || fail "an etcd process still runs 30 s after kubelet and etcd were stopped"; sleep 1
          done
        fi

        """;
}
