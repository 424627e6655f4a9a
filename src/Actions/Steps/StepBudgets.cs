namespace HaKube.Actions.Steps;

/// <summary>
/// How long HaKube waits for the long commands on a real host, from kubeadm's own waits
/// (cmd/kubeadm/app/constants and the v1beta4 Timeouts defaults), so that kubeadm fails first with
/// its own message rather than being killed by HaKube half-way. The lab's stand-ins take these
/// durations scaled down; the budgets are the unscaled ones.
/// </summary>
public static class StepBudgets
{
    /// <summary>kubeadm's wait for the kubelet's health (KubeletHealthCheck) and for each control-plane component (ControlPlaneComponentHealthCheck): 4 min each.</summary>
    public static readonly TimeSpan KubeadmHealthCheck = TimeSpan.FromMinutes(4);

    /// <summary>kubeadm join's discovery and TLS bootstrap waits (Discovery, TLSBootstrap): 5 min each.</summary>
    public static readonly TimeSpan KubeadmJoinWait = TimeSpan.FromMinutes(5);

    /// <summary>kubeadm upgrade's wait for each static pod to come back on its new manifest (UpgradeManifests): 5 min.</summary>
    public static readonly TimeSpan KubeadmUpgradeManifest = TimeSpan.FromMinutes(5);

    /// <summary>The static pods kubeadm upgrade replaces one after the other on a control plane (etcd when stacked, then the three components).</summary>
    public const int UpgradedStaticPods = 4;

    /// <summary>Room for what kubeadm does between its waits (certificates, kubeconfigs, API calls, addons).</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

    /// <summary>kubeadm init: the kubelet's health, then the control plane's.</summary>
    public static TimeSpan KubeadmInit => (2 * KubeadmHealthCheck) + Slack;

    /// <summary>kubeadm join (control plane, the longer one): discovery, TLS bootstrap, the kubelet's health, the control plane's.</summary>
    public static TimeSpan KubeadmJoin => (2 * KubeadmJoinWait) + (2 * KubeadmHealthCheck) + Slack;

    /// <summary>kubeadm upgrade apply and upgrade node: each static pod's wait, one after the other (images are pulled before, under their own budget).</summary>
    public static TimeSpan KubeadmUpgrade => (UpgradedStaticPods * KubeadmUpgradeManifest) + Slack;

    /// <summary>kubeadm upgrade plan: version checks and API reads only.</summary>
    public static readonly TimeSpan KubeadmUpgradePlan = TimeSpan.FromMinutes(5);

    /// <summary>Pulling a release's images (five control-plane images, etcd, CoreDNS, pause: several hundred MB) on a slow link.</summary>
    public static readonly TimeSpan ImagePull = TimeSpan.FromMinutes(15);

    /// <summary>apt-get update and installs from two archives.</summary>
    public static readonly TimeSpan Packages = TimeSpan.FromMinutes(10);
}
