namespace HaKube.Actions.Steps;

/// <summary>Bounds of the long commands, from kubeadm's own waits, so kubeadm fails first with its own message rather than being killed half-way.</summary>
internal static class StepBudgets
{
    /// <summary>KubeletHealthCheck and ControlPlaneComponentHealthCheck: 4 min each.</summary>
    public static readonly TimeSpan KubeadmHealthCheck = TimeSpan.FromMinutes(4);

    /// <summary>Discovery and TLSBootstrap: 5 min each.</summary>
    public static readonly TimeSpan KubeadmJoinWait = TimeSpan.FromMinutes(5);

    /// <summary>UpgradeManifests: 5 min per static pod.</summary>
    public static readonly TimeSpan KubeadmUpgradeManifest = TimeSpan.FromMinutes(5);

    /// <summary>etcd when stacked, then the three components, one after the other.</summary>
    public const int UpgradedStaticPods = 4;

    /// <summary>For what kubeadm does between its waits.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

    public static TimeSpan KubeadmInit => (2 * KubeadmHealthCheck) + Slack;

    /// <summary>A control-plane join, the longer one.</summary>
    public static TimeSpan KubeadmJoin => (2 * KubeadmJoinWait) + (2 * KubeadmHealthCheck) + Slack;

    /// <summary>Images are pulled before, under their own budget.</summary>
    public static TimeSpan KubeadmUpgrade => (UpgradedStaticPods * KubeadmUpgradeManifest) + Slack;

    public static readonly TimeSpan KubeadmUpgradePlan = TimeSpan.FromMinutes(5);

    /// <summary>Several hundred MB on a slow link.</summary>
    public static readonly TimeSpan ImagePull = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan Packages = TimeSpan.FromMinutes(10);
}
