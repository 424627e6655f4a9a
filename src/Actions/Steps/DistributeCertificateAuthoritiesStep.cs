using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>HaKube's CAs on control planes before kubeadm runs, so kubeadm uses them instead of generating its own.</summary>
internal sealed class DistributeCertificateAuthoritiesStep : IStep
{
    public StepKind Kind => StepKind.DistributeCertificateAuthorities;

    public Task RunAsync(StepContext context, PlanStep planStep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(planStep);
        return HostCommands.ForEachHostAsync(context, planStep.Hosts, (name, token) => SyncAsync(context, name, token), cancellationToken);
    }

    /// <summary>Also used by the join steps to make sure the CAs are in place.</summary>
    internal static async Task SyncAsync(StepContext context, string name, CancellationToken cancellationToken)
    {
        var files = ManagedFiles.OwnedBy(context.Cluster, context.Host(name), context.Material, StepKind.DistributeCertificateAuthorities);
        if (context.FactsOf(name) is { ControlPlaneInitialized: true })
        {
            // Renewal replaces a running control plane's apiserver-etcd-client pair and restarts kube-apiserver with it.
            files = files.Where(f => !KnownPaths.ApiServerEtcdClientPair.Contains(f.Path)).ToList();
        }

        await HostCommands.SyncFilesAsync(context, name, StepKind.DistributeCertificateAuthorities, files, cancellationToken);
        await HostCommands.VerifyFilesAsync(context, name, StepKind.DistributeCertificateAuthorities, files, cancellationToken);
    }
}
