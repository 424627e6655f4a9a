using HaKube.Actions.Etcd;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>Restarts a member that has data; one without data could not join, so it is refused (AddEtcdMember adds it).</summary>
internal sealed class StartEtcdMemberStep : IStep
{
    public StepKind Kind => StepKind.StartEtcdMember;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, token) =>
        {
            var host = context.Host(name);
            if (context.FactsOf(name) is { } facts && !facts.IsPresent(KnownPaths.EtcdManifest))
            {
                await EtcdStaticPod.PullImageAsync(context, Kind, name, token);
            }

            var script = ShellSnippets.Prelude + EtcdGatewayShell.Functions(host) + EtcdStaticPod.Functions + $"""
                [ -d {KnownPaths.EtcdDataDirectory}/member ] || fail "this member has no data in {KnownPaths.EtcdDataDirectory}; it must be added to the cluster, not started"
                [ -f {KnownPaths.EtcdManifest} ] || render_member {KnownPaths.EtcdKubeadmConfig}
                run_kubelet
                wait_healthy 120

                """;
            await HostCommands.RunAsync(context, name, Kind, "start the etcd member's static pod and wait until it is healthy", script, token, context.KubeadmTimeout);
        }, cancellationToken);
    }
}
