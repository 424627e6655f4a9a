using System.Text.RegularExpressions;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

public sealed partial class KubeadmSchemaCheckerTests
{
    private static string SamplesDirectory => RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "kubeadm-schema", "samples");

    private static IEnumerable<string> Samples =>
        Directory.EnumerateFiles(SamplesDirectory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    private static KubeadmSchemaChecker Checker => new(KubeadmSchema.Default);

    [Test]
    public void Samples_Always_HoldGoodAndBadFiles()
    {
        var names = Samples.ToList();

        Assert.That(names.Count(n => n.StartsWith("good-", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(3));
        Assert.That(names.Count(n => n.StartsWith("bad-", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(3));
        Assert.That(names.All(n => n.StartsWith("good-", StringComparison.Ordinal) || n.StartsWith("bad-", StringComparison.Ordinal)), Is.True);
    }

    /// <summary>Each bad sample lists "# expect: LINE PATH" for every problem; good samples list none.</summary>
    [TestCaseSource(nameof(Samples))]
    public void CheckFile_Sample_ReportsExactlyTheExpectedProblems(string name)
    {
        var path = Path.Combine(SamplesDirectory, name);
        var expected = ExpectLine().Matches(File.ReadAllText(path)).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").ToList();
        Assert.That(expected.Count > 0, Is.EqualTo(name.StartsWith("bad-", StringComparison.Ordinal)), "bad samples expect problems, good ones none");

        var report = Checker.CheckFile(path);

        var actual = report.Problems.Select(p => $"{p.Line} {(p.Path.Length == 0 ? "-" : p.Path)}");
        Assert.That(actual, Is.EquivalentTo(expected), report.ToString());
    }

    [Test]
    public void Check_UnknownField_ReportsFileLineColumnAndField()
    {
        const string Yaml = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnets: 10.244.0.0/16\n";

        var problem = Checker.Check("cluster.yaml", Yaml).Problems.Single();

        Assert.That((problem.File, problem.Line, problem.Column, problem.Path), Is.EqualTo(("cluster.yaml", 4, 3, "networking.podSubnets")));
        Assert.That(problem.ToString(), Does.StartWith("cluster.yaml:4:3: kubeadm.k8s.io/v1beta4 ClusterConfiguration: networking.podSubnets: unknown field \"podSubnets\""));
    }

    [Test]
    public void Check_FieldNameInOtherCase_ReportsUnknownField()
    {
        const string Yaml = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nKubernetesVersion: v1.31.0\n";

        var problem = Checker.Check("c.yaml", Yaml).Problems.Single();

        Assert.That(problem.Path, Is.EqualTo("KubernetesVersion"));
        Assert.That(problem.Message, Does.Contain("did you mean \"kubernetesVersion\""));
    }

    [TestCase("kubernetesVersion: 1.30", "kubernetesVersion")]
    [TestCase("clusterName: on", "clusterName")]
    [TestCase("controlPlaneEndpoint: [a, b]", "controlPlaneEndpoint")]
    [TestCase("apiServer:\n  extraArgs:\n    authorization-mode: Node,RBAC", "apiServer.extraArgs")]
    [TestCase("certificateValidityPeriod: 365d", "certificateValidityPeriod")]
    [TestCase("featureGates: {A: \"true\"}", "featureGates[A]")]
    public void Check_WrongType_ReportsTheField(string field, string path)
    {
        var yaml = $"apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n{field}\n";

        var report = Checker.Check("c.yaml", yaml);

        Assert.That(report.Problems.Select(p => p.Path), Is.EqualTo(new[] { path }), report.ToString());
    }

    [TestCase("kubeadm.k8s.io/v1beta4", "InitConfig", "kind")]
    [TestCase("kubeadm.k8s.io/v1beta3", "ResetConfiguration", "kind")]
    [TestCase("kubelet.config.k8s.io/v1beta1", "CredentialProviderConfig", "kind")]
    [TestCase("kubeadm.k8s.io/v1beta2", "InitConfiguration", "apiVersion")]
    public void Check_DocumentKubeadmDoesNotTake_ReportsApiVersionOrKind(string apiVersion, string kind, string path)
    {
        var report = Checker.Check("x.yaml", $"apiVersion: {apiVersion}\nkind: {kind}\n");

        Assert.That(report.Problems.Select(p => (p.Path, p.Line)), Is.EqualTo(new[] { (path, path == "kind" ? 2 : 1) }), report.ToString());
    }

    [Test]
    public void Check_DuplicateKey_ReportsTheSecond()
    {
        const string Yaml = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n  name: a\n  name: b\n";

        var problem = Checker.Check("j.yaml", Yaml).Problems.Single();

        Assert.That((problem.Line, problem.Path), Is.EqualTo((5, "nodeRegistration.name")));
    }

    [Test]
    public void Check_InvalidYaml_ReportsOneProblemAndNoDocuments()
    {
        var report = Checker.Check("broken.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: [\n");

        Assert.That(report.Documents, Is.Zero);
        Assert.That(report.Problems.Single().Message, Does.StartWith("invalid YAML"));
    }

    [Test]
    public void Check_EmptyDocuments_AreNotCounted()
    {
        var report = Checker.Check("e.yaml", "---\n# only a comment\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\n---\n");

        Assert.That((report.Documents, report.Problems.Count), Is.EqualTo((1, 0)));
    }

    [GeneratedRegex(@"^# expect: ([0-9]+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
