using HaKube.Actions.Kubeadm;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>kubeadm join of workers, in parallel with one fresh token, deleted once all are done.</summary>
internal sealed class JoinWorkerStep : IStep
{
    public StepKind Kind => StepKind.JoinWorker;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        var token = new Lazy<Task<BootstrapToken>>(() => JoinTokens.CreateAsync(context, Kind, planStep.Hosts[0], cancellationToken));
        var hash = JoinTokens.CaHash(context);
        try
        {
            await JoinAllAsync(context, planStep, token, hash, cancellationToken);
        }
        finally
        {
            if (token.IsValueCreated && token.Value.IsCompletedSuccessfully)
            {
                await JoinTokens.DeleteAsync(context, Kind, token.Value.Result);
            }
        }
    }

    private async Task JoinAllAsync(StepContext context, PlanStep planStep, Lazy<Task<BootstrapToken>> token, CaCertHash hash, CancellationToken cancellationToken)
    {
        await HostCommands.ForEachHostAsync(context, planStep.Hosts, async (name, ct) =>
        {
            var done = await HostCommands.TryRunAsync(context, name, Kind, "check whether the host has joined", $"[ -f {KnownPaths.KubeletConf} ]", ct);
            if (!done.Succeeded)
            {
                await HostRemoval.DeletePreviousNodeAsync(context, Kind, name, ct);
                var fresh = await token.Value;
                var config = KubeadmConfigRenderer.RenderJoinWorker(context.Cluster, context.Host(name), fresh, hash);
                await KubeadmRun.RunAsync(context, Kind, config, "join", "join the cluster as a worker with kubeadm join", [fresh.Value], ct);
            }

            var check = ShellSnippets.Prelude + $$"""
                n=0
                until [ -s {{KnownPaths.KubeletConf}} ] && systemctl is-active -q kubelet; do
                  n=$((n + 1)); [ "$n" -lt 60 ] || fail "the kubelet is not running with {{KnownPaths.KubeletConf}} after 60 s"; sleep 1
                done

                """;
            await HostCommands.RunAsync(context, name, Kind, "check that the kubelet runs after the join", check, ct);
        }, cancellationToken);
    }
}
