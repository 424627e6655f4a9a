using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>The one step class for each <see cref="StepKind"/>.</summary>
public static class StepCatalog
{
    private static readonly Dictionary<StepKind, IStep> Steps = new IStep[]
    {
        new PrepareHostStep(),
        new ConfigureLoadBalancerStep(),
        new ConfigureEtcdMemberStep(),
        new BootstrapEtcdStep(),
        new AddEtcdMemberStep(),
        new StartEtcdMemberStep(),
        new MigrateEtcdMemberStep(),
        new PullImagesStep(),
        new DistributeCertificateAuthoritiesStep(),
        new ResetUnfinishedInitStep(),
        new InitControlPlaneStep(),
        new JoinControlPlaneStep(),
        new InstallPodNetworkStep(),
        new JoinWorkerStep(),
        new StartKubeletStep(),
        new RemoveWorkerStep(),
        new RemoveControlPlaneStep(),
        new RemoveEtcdMemberStep(),
        new RemoveLoadBalancerStep(),
        new RemoveStaleEtcdMemberStep(),
        new ResetPreviousMachineStep(),
        new RenewControlPlaneCertificatesStep(),
        new UseRotatingKubeletCertificateStep(),
        new UpdateEtcdServersStep(),
        new UpgradeEtcdMemberStep(),
        new UpgradeControlPlaneStep(),
        new UpgradeWorkerStep(),
        new LabelNodesStep(),
    }.ToDictionary(s => s.Kind);

    public static IStep For(StepKind kind) =>
        Steps.TryGetValue(kind, out var step) ? step : throw new ArgumentOutOfRangeException(nameof(kind), kind, "no step class for this kind");
}
