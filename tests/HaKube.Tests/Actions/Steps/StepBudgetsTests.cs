using HaKube.Actions.Steps;

namespace HaKube.Tests.Actions.Steps;

/// <summary>HaKube's budgets cover kubeadm's own waits on a real host, so that kubeadm fails first, with its own message.</summary>
public sealed class StepBudgetsTests
{
    // The defaults a step context is made with (the executor does not change them).
    private static readonly StepContext Context = new()
    {
        Cluster = null!,
        Material = null!,
        Store = null!,
        Facts = new Dictionary<string, HaKube.Model.Facts.HostFacts>(),
        Connect = _ => throw new InvalidOperationException(),
    };

    [Test]
    public void KubeadmTimeout_CoversTheWaitsOfAControlPlaneJoin()
    {
        // Discovery and TLS bootstrap (5 min each), the kubelet's and the control plane's health (4 min each).
        Assert.That(Context.KubeadmTimeout, Is.GreaterThan(TimeSpan.FromMinutes(5 + 5 + 4 + 4)));
    }

    [Test]
    public void KubeadmUpgradeTimeout_CoversEveryStaticPodsWaitOneAfterTheOther()
    {
        // UpgradeManifests (5 min) for etcd, kube-apiserver, kube-controller-manager and kube-scheduler.
        Assert.That(Context.KubeadmUpgradeTimeout, Is.GreaterThan(TimeSpan.FromMinutes(4 * 5)));
    }

    [Test]
    public void ImagePullTimeout_IsItsOwnAndLongerThanTheCommandBudget() =>
        Assert.That(Context.ImagePullTimeout, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(10)).And.GreaterThan(Context.CommandTimeout));
}
