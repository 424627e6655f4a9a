using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: the member's HaKube-issued certificates (and the etcd CA certificate) and its
/// systemd unit written where they differ from the state store's. A running member whose unit
/// changed is restarted and must come back healthy; a member not yet created is left stopped
/// (BootstrapEtcd or AddEtcdMember start it with the right initial cluster).
/// </summary>
public sealed class ConfigureEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.ConfigureEtcdMember;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.Host(name);
            var files = ManagedFiles.For(context.Cluster, host, context.Material)
                .Where(f => f.Owner == Kind || f.Path == PkiPaths.EtcdCaCertificate)
                .ToList();
            var changed = await HostCommands.SyncFilesAsync(context, name, Kind, files, token);
            var script = ShellSnippets.Prelude + ShellSnippets.Etcdctl(host) + EtcdLeadership.MoveAwayFunction(host.Name) + $"""
                mkdir -p {EtcdUnitRenderer.DataDirectory} && chmod 0700 {EtcdUnitRenderer.DataDirectory}
                systemctl daemon-reload
                if {(changed.Count > 0 ? "true" : "false")} && systemctl is-active -q etcd; then
                  move_leader_away
                  systemctl restart etcd || fail "systemctl restart etcd failed"
                  wait_healthy 60
                fi

                """;
            await HostCommands.RunAsync(context, name, Kind, "load the etcd unit (restarting a running member whose files changed)", script, token);
            await HostCommands.VerifyFilesAsync(context, name, Kind, files, token);
        }, cancellationToken);
    }
}
