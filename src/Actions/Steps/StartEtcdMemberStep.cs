using HaKube.Actions.Rendering;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>
/// External etcd: a member that exists (it has data) but is not running is started again and must
/// become healthy. A member without data is refused: starting it would create a new cluster; it
/// has to be added (AddEtcdMember).
/// </summary>
public sealed class StartEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.StartEtcdMember;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var script = ShellSnippets.Prelude + ShellSnippets.Etcdctl(context.Host(name)) + $"""
                [ -d {EtcdUnitRenderer.DataDirectory}/member ] || fail "this member has no data in {EtcdUnitRenderer.DataDirectory}; it must be added to the cluster, not started"
                systemctl daemon-reload
                systemctl enable etcd >/dev/null 2>&1 || fail "systemctl enable etcd failed"
                if ! systemctl is-active -q etcd; then
                  systemctl reset-failed etcd >/dev/null 2>&1 || true
                  systemctl restart etcd || fail "systemctl restart etcd failed"
                fi
                wait_healthy 60

                """;
            await HostCommands.RunAsync(context, name, Kind, "start the etcd member and wait until it is healthy", script, token);
        }, cancellationToken);
    }
}
