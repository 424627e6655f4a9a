using HaKube.Actions.Kubeadm;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm.Schema;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>
/// Every golden file goes through the kubeadm schema check (field trees extracted from kubeadm's
/// Go types, tests/tools/kubeadm-schema): DESIGN.md requires that kubeadm gets only what kubeadm
/// accepts. The negative cases prove the check can fail.
/// </summary>
internal sealed class KubeadmSchemaCheckTests
{
    private static IEnumerable<KubeadmGoldenCase> Cases => KubeadmGoldenCase.All;

    private static KubeadmSchemaChecker Checker => new(KubeadmSchema.Default);

    [TestCaseSource(nameof(Cases))]
    public void Check_GoldenFile_DecodesWithoutProblems(KubeadmGoldenCase goldenCase)
    {
        var path = KubeadmGolden.PathOf(goldenCase);
        Assert.That(File.Exists(path), Is.True, $"golden file {path} is missing");

        var report = Checker.CheckFile(path);

        Assert.That(report.Problems, Is.Empty, report.ToString());
        Assert.That(report.Documents, Is.EqualTo(goldenCase.Kind == KubeadmConfigKind.Init ? 3 : 1), report.ToString());
    }

    [Test]
    public void Check_V1Beta3MapArgsRelabelledV1Beta4_ReportsKubeletExtraArgsAndDiscoveryTimeout()
    {
        // v1beta3's map kubeletExtraArgs and discovery.timeout are errors under a v1beta4 apiVersion.
        var v1Beta3 = new KubeadmGoldenCase(EtcdTopology.Stacked, "v1.30.8", KubeadmConfigKind.JoinWorker).Render().SensitiveYaml;
        Assert.That(v1Beta3, Does.Contain("kubeadm.k8s.io/v1beta3"));
        var mislabelled = v1Beta3.Replace("kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4", StringComparison.Ordinal);

        var report = Checker.Check("join.yaml", mislabelled);

        Assert.That(report.Problems.Select(p => p.Path), Is.EquivalentTo(new[] { "nodeRegistration.kubeletExtraArgs", "discovery.timeout" }), report.ToString());
    }

    [Test]
    public void Check_V1Beta3GoldenUnchanged_HasNoProblems()
    {
        // The same rendering under its own apiVersion is fine: the failure above comes from the relabelling.
        var v1Beta3 = new KubeadmGoldenCase(EtcdTopology.Stacked, "v1.30.8", KubeadmConfigKind.JoinWorker).Render().SensitiveYaml;

        Assert.That(Checker.Check("join.yaml", v1Beta3).Problems, Is.Empty);
    }
}
