using HaKube.Model.Api;
using HaKube.Model.Loading;

namespace HaKube.Tests.Model.Loading;

public sealed class ManifestParserTests
{
    private const string Minimal = """
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata:
          name: one
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: api.one.internal}
          ssh: {privateKeyFile: id, knownHostsFile: kh}
          hosts:
          - {name: cp1, address: 127.0.10.1, roles: [ControlPlane]}
        """;

    [Test]
    public void Parse_MinimalManifest_AppliesDefaults()
    {
        var result = ManifestParser.Parse(Minimal, "one.yaml");

        var spec = result.Manifests.Single().Cluster.Spec;
        Assert.Multiple(() =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(spec.ControlPlaneEndpoint.Port, Is.EqualTo(6443));
            Assert.That(spec.Ssh.User, Is.EqualTo("root"));
            Assert.That(spec.Ssh.Port, Is.EqualTo(22));
            Assert.That(spec.Etcd.Topology, Is.EqualTo(EtcdTopology.Stacked));
            Assert.That(spec.LoadBalancer.Provider, Is.EqualTo(LoadBalancerProvider.External));
            Assert.That(spec.Networking.ServiceSubnet, Is.EqualTo("10.96.0.0/12"));
            Assert.That(spec.Networking.DnsDomain, Is.EqualTo("cluster.local"));
            Assert.That(spec.CertificateRenewalDays, Is.EqualTo(30));
            Assert.That(spec.DrainTimeout, Is.EqualTo("2m"));
            Assert.That(spec.DrainTimeout(), Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(spec.Paused, Is.False);
        });
    }

    [Test]
    public void Parse_DrainTimeout_IsBoundAsTheDurationItNames()
    {
        var result = ManifestParser.Parse(Minimal.Replace("  ssh:", "  drainTimeout: 1h30m\n  ssh:", StringComparison.Ordinal), "drain.yaml");

        var manifest = result.Manifests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Errors, Is.Empty);
            Assert.That(manifest.Cluster.Spec.DrainTimeout(), Is.EqualTo(TimeSpan.FromMinutes(90)));
            Assert.That(manifest.Source.Locate("spec.drainTimeout"), Is.EqualTo(new SourcePosition(8, 17)));
        });
    }

    [Test]
    public void Parse_TwoDocumentsAndAnEmptyOne_ReturnsBothClustersWithTheirOwnPositions()
    {
        var text = Minimal + "\n---\n---\n" + Minimal.Replace("name: one", "name: two", StringComparison.Ordinal);

        var result = ManifestParser.Parse(text, "two.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(result.Manifests.Select(m => m.Cluster.Metadata.Name), Is.EqualTo(new[] { "one", "two" }));
            Assert.That(result.Manifests[0].Source.Locate("metadata.name"), Is.EqualTo(new SourcePosition(4, 9)));
            Assert.That(result.Manifests[1].Source.Locate("metadata.name"), Is.EqualTo(new SourcePosition(16, 9)));
        });
    }

    [Test]
    public void Parse_StatusStanza_IsIgnoredLikeAStatusSubresource()
    {
        var result = ManifestParser.Parse(Minimal + "\nstatus: {phase: Ready, anything: [1]}\n", "s.yaml");

        Assert.That(result.Errors, Is.Empty);
    }

    [Test]
    public void Parse_SeveralProblems_ReportsAllOfThemInOneRun()
    {
        var text = Minimal
            .Replace("kubernetesVersion: v1.31.4", "kubernetesVersion: v1.31.4\n  colour: blue", StringComparison.Ordinal)
            .Replace("roles: [ControlPlane]", "roles: [Master]", StringComparison.Ordinal)
            .Replace("{host: api.one.internal}", "{host: api.one.internal, port: \"6443\"}", StringComparison.Ordinal);

        var result = ManifestParser.Parse(text, "bad.yaml");

        Assert.That(result.Errors.Select(e => e.Field), Is.EquivalentTo(new[]
        {
            "spec.colour", "spec.controlPlaneEndpoint.port", "spec.hosts[0].roles[0]",
        }));
    }

    [Test]
    public void Locate_DefaultedField_FallsBackToTheNearestPresentAncestor()
    {
        var source = ManifestParser.Parse(Minimal, "one.yaml").Manifests.Single().Source;

        Assert.Multiple(() =>
        {
            Assert.That(source.Locate("spec.ssh.port"), Is.EqualTo(source.Locate("spec.ssh")));
            Assert.That(source.Locate("spec.hosts[0].roles[0]"), Is.EqualTo(new SourcePosition(10, 46)));
            Assert.That(source.Locate("nothing.here"), Is.EqualTo(source.DocumentStart));
        });
    }

    [Test]
    public void Parse_ScalarWhereAMapIsExpected_SaysWhatWasExpected()
    {
        var result = ManifestParser.Parse(Minimal.Replace("ssh: {privateKeyFile: id, knownHostsFile: kh}", "ssh: root", StringComparison.Ordinal), "x.yaml");

        Assert.That(result.Errors.Single().ToString(), Is.EqualTo("x.yaml:8:8: spec.ssh: expected a map with optional fields, got \"root\""));
    }
}
