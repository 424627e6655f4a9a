using HaKube.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace HaKube.Tests.Reconciler.Daemon;

/// <summary>charts/hakube: the CRD it installs is the generated one, and its RBAC stays least-privilege.</summary>
[TestFixture]
public sealed class ChartTests
{
    private static string Chart(params string[] parts) => RepositoryPaths.Of(["charts", "hakube", .. parts]);

    [Test]
    public void CrdInChart_SameAsGeneratedCrd()
    {
        // Helm installs charts/hakube/crds/ as is; it must be a byte-for-byte copy of crds/ (regenerate, then copy).
        Assert.That(File.ReadAllText(Chart("crds", "hakube.io_haclusters.yaml")), Is.EqualTo(File.ReadAllText(RepositoryPaths.Of("crds", "hakube.io_haclusters.yaml"))));
    }

    [Test]
    public void Values_HaveImageResourcesResyncAndOtlpEndpoint()
    {
        var values = (YamlMappingNode)Load(File.ReadAllText(Chart("values.yaml"))).Single();

        Assert.That(values.Children.Keys.Select(k => ((YamlScalarNode)k).Value), Is.SupersetOf(new[] { "image", "resources", "resyncInterval", "otlpEndpoint", "leaderElection", "replicaCount" }));
    }

    [Test]
    public void Rbac_OnlyTheVerbsHaKubeNeeds()
    {
        var rules = Load(WithoutTemplateLines(File.ReadAllText(Chart("templates", "rbac.yaml"))))
            .OfType<YamlMappingNode>()
            .Where(d => d.Children.ContainsKey("rules"))
            .SelectMany(d => ((YamlSequenceNode)d["rules"]).Cast<YamlMappingNode>())
            .SelectMany(r => ((YamlSequenceNode)r["resources"]).Select(res => (Resource: ((YamlScalarNode)res).Value!, Verbs: ((YamlSequenceNode)r["verbs"]).Select(v => ((YamlScalarNode)v).Value!).Order().ToList())))
            .ToDictionary(r => r.Resource, r => r.Verbs);

        Assert.That(rules, Is.EquivalentTo(new Dictionary<string, List<string>>
        {
            ["haclusters"] = ["get", "list", "watch"],
            ["haclusters/status"] = ["get", "patch", "update"],
            ["secrets"] = ["create", "get", "update"],
            ["events"] = ["create", "patch"],
            ["leases"] = ["create", "get", "update"],
        }));
    }

    [Test]
    public void Deployment_RunsCustomResourceModeWithProbesOnTheMetricsPort()
    {
        var deployment = File.ReadAllText(Chart("templates", "deployment.yaml"));

        Assert.Multiple(() =>
        {
            Assert.That(deployment, Does.Contain("- --kubernetes"));
            Assert.That(deployment, Does.Contain("path: /healthz"));
            Assert.That(deployment, Does.Contain("path: /readyz"));
            Assert.That(deployment, Does.Contain("--resync={{ .Values.resyncInterval }}"));
        });
    }

    private static List<YamlNode> Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    // Template directives make a line that is not YAML; the rules themselves carry none.
    private static string WithoutTemplateLines(string text) =>
        string.Join('\n', text.Split('\n').Where(line => !line.Contains("{{", StringComparison.Ordinal)));
}
