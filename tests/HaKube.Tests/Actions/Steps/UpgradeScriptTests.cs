using HaKube.Actions.Rendering;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Planning;
using HaKube.Tests.Lab;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Actions.Steps;

/// <summary>The upgrade steps' scripts: valid POSIX sh, bounded, and in the kubeadm guide's order; PrepareHost leaves a joined node's packages alone.</summary>
public sealed class UpgradeScriptTests
{
    private static readonly HaClusterSpec Spec = Clusters.Spec(version: "v1.32.1").Spec;

    private static IEnumerable<TestCaseData> Scripts()
    {
        var target = Spec.Version();
        yield return new TestCaseData(NodeUpgrade.Started(target)).SetArgDisplayNames("started");
        yield return new TestCaseData(NodeUpgrade.Finished).SetArgDisplayNames("finished");
        yield return new TestCaseData(NodeUpgrade.Packages(Spec, ReferencedContent.None, ["kubeadm"])).SetArgDisplayNames("kubeadm package");
        yield return new TestCaseData(NodeUpgrade.Packages(Spec, ReferencedContent.None, ["kubelet", "kubectl"])).SetArgDisplayNames("kubelet packages");
        yield return new TestCaseData(NodeUpgrade.Drain("w1", Spec.DrainTimeout())).SetArgDisplayNames("drain");
        yield return new TestCaseData(NodeUpgrade.RestartKubelet).SetArgDisplayNames("restart");
        yield return new TestCaseData(NodeUpgrade.Uncordon("w1", target)).SetArgDisplayNames("uncordon");
        yield return new TestCaseData(UpgradeControlPlaneStep.KubeadmUpgradePlan(target)).SetArgDisplayNames("kubeadm upgrade plan");
        yield return new TestCaseData(PrepareHostStep.Script(Spec, Spec.Hosts[0], ReferencedContent.None)).SetArgDisplayNames("prepare host");
    }

    [TestCaseSource(nameof(Scripts))]
    public async Task Script_Rendered_IsValidPosixSh(string script)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hakube-upgrade-script-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, script);
        try
        {
            var result = await LabProcess.RunAsync("/bin/sh", ["-n", path], TimeSpan.FromSeconds(10));

            Assert.That(result.Succeeded, Is.True, result.StandardError);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void KubeadmUpgradePlan_ClusterConfigOlder_PlansAndSaysApplyElseNode()
    {
        var script = UpgradeControlPlaneStep.KubeadmUpgradePlan(Spec.Version());

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("get configmap kubeadm-config"));
            Assert.That(script.IndexOf("kubeadm upgrade plan \"$t\"", StringComparison.Ordinal), Is.LessThan(script.IndexOf("echo apply", StringComparison.Ordinal)));
            Assert.That(script, Does.Contain("echo node").And.Contain("echo done"));
            Assert.That(script, Does.Not.Contain("upgrade apply"), "the apply runs apart, under its own budget");
            Assert.That(script, Does.Contain("t=v1.32.1\n"));
        });
    }

    [Test]
    public void Packages_Kubeadm_SwitchesToTheTargetMinorRepositoryAndHoldsAgain()
    {
        var script = NodeUpgrade.Packages(Spec, ReferencedContent.None, ["kubeadm"]);

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("https://pkgs.k8s.io/core:/stable:/v1.32/deb/"));
            Assert.That(script, Does.Contain("apt-mark unhold kubelet kubeadm kubectl"));
            Assert.That(script, Does.Contain("apt-mark hold kubelet kubeadm kubectl"));
            Assert.That(script, Does.Contain("apt-cache madison kubeadm"));
            Assert.That(script, Does.Not.Contain("kubelet --version"), "only the packages asked for are installed and checked");
        });
    }

    [Test]
    public void Drain_DefaultSpec_IsBoundedByTwoMinutes()
    {
        Assert.That(NodeUpgrade.Drain("w1", Spec.DrainTimeout()), Does.Contain("drain w1 --ignore-daemonsets --delete-emptydir-data --timeout=120s"));
    }

    [Test]
    public void Drain_SpecDrainTimeout_IsTheKubectlTimeout()
    {
        var spec = Spec with { DrainTimeout = "1h30m" };

        Assert.That(NodeUpgrade.Drain("w1", spec.DrainTimeout()), Does.Contain("--timeout=5400s").And.Contain("within 5400 s (spec.drainTimeout)"));
    }

    [Test]
    public void PrepareHost_JoinedNode_ScriptLeavesKubernetesPackagesToTheUpgrade()
    {
        var script = PrepareHostStep.Script(Spec, Spec.Hosts[0], ReferencedContent.None);
        var guard = script.IndexOf("if [ -f /etc/kubernetes/kubelet.conf ]; then", StringComparison.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(guard, Is.GreaterThan(0));
            Assert.That(script.IndexOf("apt-get install -y -q --allow-change-held-packages --allow-downgrades", StringComparison.Ordinal), Is.GreaterThan(guard), "the package install is in the not-joined branch");
        });
    }

    [Test]
    public void Catalog_UpgradeKinds_HaveTheirSteps()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StepCatalog.For(StepKind.UpgradeControlPlane), Is.InstanceOf<UpgradeControlPlaneStep>());
            Assert.That(StepCatalog.For(StepKind.UpgradeWorker), Is.InstanceOf<UpgradeWorkerStep>());
        });
    }
}
