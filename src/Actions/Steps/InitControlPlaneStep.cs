using System.Text.RegularExpressions;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Ssh;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Model.Values;

namespace HaKube.Actions.Steps;

/// <summary>kubeadm init on the first control plane; its token is deleted right after, since each join gets its own.</summary>
internal sealed partial class InitControlPlaneStep : IStep
{
    public StepKind Kind => StepKind.InitControlPlane;

    public async Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        foreach (var name in planStep.Hosts)
        {
            var host = context.Host(name);
            await DistributeCertificateAuthoritiesStep.SyncAsync(context, name, cancellationToken);
            var done = await HostCommands.TryRunAsync(context, name, Kind, "check whether kubeadm init has run", $"[ -f {KnownPaths.AdminConf} ]", cancellationToken);
            BootstrapToken? token = null;
            if (!done.Succeeded)
            {
                token = BootstrapTokens.Generate();
                var config = KubeadmConfigRenderer.RenderInit(context.Cluster, host, token);
                await KubeadmRun.RunAsync(context, Kind, config, "init", "initialize the first control plane with kubeadm init", [token.Value], cancellationToken);
            }

            await HostCommands.RunAsync(context, name, Kind, "wait for the new API server to be ready",
                ShellSnippets.Prelude + KubeadmRun.WaitApiServerReady(host.Address, 120), cancellationToken, context.KubeadmTimeout);
            if (token is not null)
            {
                // kubeadm init creates the config's token; HaKube never joins with it (each join gets its own).
                await JoinTokens.DeleteAsync(context, Kind, token, name);
            }

            await SaveAdminKubeconfigAsync(context, name, cancellationToken);
        }
    }

    /// <summary>Pointed at the control-plane endpoint before it is stored.</summary>
    internal static async Task SaveAdminKubeconfigAsync(StepContext context, string host, CancellationToken cancellationToken, StepKind step = StepKind.InitControlPlane)
    {
        byte[]? content;
        try
        {
            content = await context.Connect(host).DownloadAsync(KnownPaths.AdminConf, cancellationToken);
        }
        catch (SshTransportException e)
        {
            throw new StepFailedException(host, step, "download admin.conf", "SSH failure", SecretScrubber.Tail(e.Message, 3), e);
        }

        if (content is null)
        {
            throw new StepFailedException(host, step, "download admin.conf", "file missing", [$"{KnownPaths.AdminConf} does not exist"]);
        }

        var endpoint = context.Spec.ControlPlaneEndpoint;
        var kubeconfig = PointAt(System.Text.Encoding.UTF8.GetString(content), UrlHost.Https(endpoint.Host, endpoint.Port));
        await context.Store.SaveAdminKubeconfigAsync(kubeconfig, cancellationToken);
    }

    public static string PointAt(string kubeconfig, string server)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        return ServerLine().Replace(kubeconfig, m => m.Groups[1].Value + server);
    }

    [GeneratedRegex("^([ \\t]*server:[ \\t]*)\\S+[ \\t]*$", RegexOptions.Multiline)]
    private static partial Regex ServerLine();
}
