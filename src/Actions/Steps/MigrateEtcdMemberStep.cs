using HaKube.Actions.Etcd;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: a member of HaKube's former systemd unit moves to a static pod and keeps its data
/// and member ID (etcd ignores the initial cluster when data is there). A member restart, so the
/// planner runs one per plan behind the quorum guard. See docs/design-notes.md.
/// </summary>
internal sealed class MigrateEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.MigrateEtcdMember;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            var before = EtcdLeadership.Known(context).FirstOrDefault(m => EtcdLeadership.IsOn(m, host))?.Id;
            await EtcdStaticPod.SyncFilesAsync(context, Kind, host, cancellationToken);
            await EtcdStaticPod.PullImageAsync(context, Kind, name, cancellationToken);
            var sameId = before is { } id
                ? $$"""
                    eg "$EP" /v3/maintenance/status '{}' || fail "the moved member does not answer its status"
                    case $out in *'"member_id":"{{EtcdGatewayJson.Id(id)}}"'*) ;; *) fail "the member answers with another ID than {{id:x}}: $(printf '%s' "$out" | head -c 200)";; esac

                    """
                : "";
            var script = ShellSnippets.Prelude + EtcdGatewayShell.Functions(host) + EtcdLeadership.MoveAwayFunction(context, host) +
                StaticPodRestart.Listening(host) + EtcdStaticPod.Functions + $$"""
                [ -d {{KnownPaths.EtcdDataDirectory}}/member ] || fail "no etcd data in {{KnownPaths.EtcdDataDirectory}}/member: nothing to move to a static pod"
                if systemctl is-active -q etcd; then move_leader_away; fi
                systemctl disable etcd >/dev/null 2>&1 || true
                systemctl stop etcd >/dev/null 2>&1 || true
                ! systemctl is-active -q etcd || fail "etcd.service still runs after systemctl stop"
                n=0
                while listening 094B; do n=$((n + 1)); [ "$n" -lt 300 ] || fail "something still listens on 2379 60 s after etcd.service stopped"; sleep 0.2; done
                rm -f {{KnownPaths.EtcdUnit}} {{KnownPaths.EtcdInitialEnvironment}}
                systemctl daemon-reload
                # The package's own unit, if etcd-server was installed, must not start at boot either.
                systemctl disable etcd >/dev/null 2>&1 || true
                render_member {{KnownPaths.EtcdKubeadmConfig}}
                restart_kubelet
                wait_healthy 180
                {{sameId}}
                """;
            await HostCommands.RunAsync(context, name, Kind, "move the etcd member from its systemd unit to a kubeadm static pod", script, cancellationToken, context.KubeadmTimeout);
        }
    }
}
