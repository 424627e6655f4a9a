using HaKube.Actions.Kubeadm;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>One host at a time (with Stacked etcd each join adds a member); the CAs are placed, so no certificate key.</summary>
internal sealed class JoinControlPlaneStep : IStep
{
    public StepKind Kind => StepKind.JoinControlPlane;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            await DistributeCertificateAuthoritiesStep.SyncAsync(context, name, cancellationToken);
            var done = await HostCommands.TryRunAsync(context, name, Kind, "check whether the host has joined", $"[ -f {KnownPaths.AdminConf} ] && [ -f {KnownPaths.KubeletConf} ]", cancellationToken);
            if (!done.Succeeded)
            {
                await HostRemoval.DeletePreviousNodeAsync(context, Kind, name, cancellationToken);
                var token = await JoinTokens.CreateAsync(context, Kind, name, cancellationToken);
                try
                {
                    var config = KubeadmConfigRenderer.RenderJoinControlPlane(context.Cluster, host, token, JoinTokens.CaHash(context));
                    await KubeadmRun.RunAsync(context, Kind, config, "join", "join the control plane with kubeadm join --control-plane", [token.Value], cancellationToken);
                }
                finally
                {
                    await JoinTokens.DeleteAsync(context, Kind, token);
                }
            }

            await HostCommands.RunAsync(context, name, Kind, "wait for the joined API server to be ready",
                ShellSnippets.Prelude + KubeadmRun.WaitApiServerReady(host.Address, 120), cancellationToken, context.KubeadmTimeout);
        }
    }
}
