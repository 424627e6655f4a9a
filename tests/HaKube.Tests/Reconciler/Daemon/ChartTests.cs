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

    [TestCase(null, "hakube-system")]
    [TestCase("team-a", "team-a")]
    public void Rbac_RenderedForTheWatchedNamespace_OnlyNamespacedRulesHaKubeNeeds(string? watched, string expectedNamespace)
    {
        var rendered = RenderRbac(watched is null ? [] : [watched], release: "hakube-system");
        Assert.That(rendered, Does.Not.Contain("{{"), "every directive rendered");
        var documents = Load(rendered).OfType<YamlMappingNode>().ToList();

        var kinds = documents.Select(d => Scalar(d, "kind")).ToList();
        var role = documents.Single(d => Scalar(d, "kind") == "Role");
        var binding = documents.Single(d => Scalar(d, "kind") == "RoleBinding");
        var rules = ((YamlSequenceNode)role["rules"]).Cast<YamlMappingNode>()
            .SelectMany(r => ((YamlSequenceNode)r["resources"]).Select(res => (Resource: ((YamlScalarNode)res).Value!, Verbs: ((YamlSequenceNode)r["verbs"]).Select(v => ((YamlScalarNode)v).Value!).Order().ToList())))
            .ToDictionary(r => r.Resource, r => r.Verbs);
        Assert.Multiple(() =>
        {
            Assert.That(kinds, Is.EquivalentTo(new[] { "Role", "RoleBinding" }), "no ClusterRole: nothing cluster-wide, Secrets least of all");
            Assert.That(Scalar((YamlMappingNode)role["metadata"], "namespace"), Is.EqualTo(expectedNamespace));
            Assert.That(Scalar((YamlMappingNode)binding["metadata"], "namespace"), Is.EqualTo(expectedNamespace));
            Assert.That(rules, Is.EquivalentTo(new Dictionary<string, List<string>>
            {
                ["haclusters"] = ["get", "list", "patch", "watch"],
                ["haclusters/status"] = ["get", "patch", "update"],
                ["secrets"] = ["create", "get", "update"],
                ["events"] = ["create", "patch"],
                ["leases"] = ["create", "get", "update"],
            }));
            var subject = (YamlMappingNode)((YamlSequenceNode)binding["subjects"]).Single();
            Assert.That(Scalar(subject, "kind"), Is.EqualTo("ServiceAccount"));
            Assert.That(Scalar(subject, "namespace"), Is.EqualTo("hakube-system"), "the service account stays in the release namespace");
            Assert.That(Scalar((YamlMappingNode)binding["roleRef"], "kind"), Is.EqualTo("Role"));
        });
    }

    [Test]
    public void Templates_NoClusterRoleAnywhere()
    {
        var templates = Directory.GetFiles(Chart("templates")).Select(File.ReadAllText);

        Assert.That(templates, Has.None.Match(@"kind:\s*ClusterRole"));
    }

    [Test]
    public void Dockerfile_EveryBaseImage_PinnedByDigest()
    {
        var froms = File.ReadAllLines(RepositoryPaths.Of("Dockerfile")).Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.That(froms, Is.Not.Empty);
        Assert.That(froms, Has.All.Match(@"^FROM \S+:\S+@sha256:[0-9a-f]{64}( AS \S+)?$"));
    }

    [Test]
    public void Values_WatchNamespacesDefaultsToTheReleaseNamespace()
    {
        var values = (YamlMappingNode)Load(File.ReadAllText(Chart("values.yaml"))).Single();

        Assert.That(((YamlSequenceNode)values["watchNamespaces"]).Children, Is.Empty);
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
            Assert.That(deployment, Does.Contain("- name: DOTNET_TieredCompilation\n          value: \"0\""), "the daemon runs without tiered compilation, as bench/steady.sh measures it");
        });
    }

    // Renders templates/rbac.yaml as helm would for the few directives it holds: the namespace list
    // (defaulting to the release namespace), a range over it, and the chart's name helpers.
    private static string RenderRbac(IReadOnlyList<string> watched, string release)
    {
        var template = File.ReadAllText(Chart("templates", "rbac.yaml"));
        var rangeStart = template.IndexOf("{{- range $namespaces }}", StringComparison.Ordinal);
        var rangeEnd = template.LastIndexOf("{{- end }}", StringComparison.Ordinal);
        Assert.That(rangeStart, Is.GreaterThan(0).And.LessThan(rangeEnd), "rbac.yaml ranges over the watched namespaces");
        var body = template[(rangeStart + "{{- range $namespaces }}".Length)..rangeEnd];
        var namespaces = watched.Count == 0 ? [release] : watched;
        return string.Concat(namespaces.Select(ns => string.Join('\n', body.Split('\n')
            .Where(line => !line.Contains("include \"hakube.labels\"", StringComparison.Ordinal))
            .Select(line => line
                .Replace("{{ include \"hakube.fullname\" $ }}", "hakube", StringComparison.Ordinal)
                .Replace("{{ include \"hakube.serviceAccountName\" $ }}", "hakube", StringComparison.Ordinal)
                .Replace("{{ $.Release.Namespace }}", release, StringComparison.Ordinal)
                .Replace("{{ . }}", ns, StringComparison.Ordinal)))
            .Replace("  labels:\n", "", StringComparison.Ordinal)));
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static List<YamlNode> Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).ToList();
    }
}
