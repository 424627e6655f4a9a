using HaKube.Model.Schema;
using HaKube.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace HaKube.Tests.Model.Schema;

public sealed class CrdGeneratorTests
{
    private static readonly string CheckedIn = RepositoryPaths.Of("crds", "hakube.io_haclusters.yaml");

    [Test]
    public void Render_Always_MatchesTheCheckedInCrd()
    {
        var rendered = CrdGenerator.Render();

        Assert.That(File.ReadAllText(CheckedIn), Is.EqualTo(rendered),
            "crds/hakube.io_haclusters.yaml drifted from src/Model; regenerate it with: dotnet run --project src/Reconciler -- generate crd > crds/hakube.io_haclusters.yaml");
    }

    [Test]
    public void Render_Always_IsAStructuralSchemaWithStatusAndPrinterColumns()
    {
        var version = (YamlMappingNode)Load()["spec"]["versions"][0];
        var schema = (YamlMappingNode)version["schema"]["openAPIV3Schema"];

        Assert.Multiple(() =>
        {
            Assert.That(version["subresources"]["status"], Is.InstanceOf<YamlMappingNode>());
            Assert.That(((YamlSequenceNode)version["additionalPrinterColumns"]).Select(c => c["name"].ToString()),
                Is.EqualTo(new[] { "Phase", "Ready hosts", "Version", "Endpoint", "Age" }));
            Assert.That(Load()["spec"]["names"]["shortNames"][0].ToString(), Is.EqualTo("hac"));
            Assert.That(UntypedNodes(schema, "openAPIV3Schema"), Is.Empty, "every schema node of a structural schema has a type");
            Assert.That(schema["properties"]["spec"]["required"], Is.InstanceOf<YamlSequenceNode>());
        });
    }

    [Test]
    public void Render_HostRoles_AreAnEnumOfTheFourRoles()
    {
        var roles = Load()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["hosts"]["items"]["properties"]["roles"]["items"];

        Assert.That(((YamlSequenceNode)roles["enum"]).Select(n => n.ToString()), Is.EqualTo(new[] { "ControlPlane", "Worker", "Etcd", "LoadBalancer" }));
    }

    private static YamlNode Load()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(CrdGenerator.Render()));
        return stream.Documents[0].RootNode;
    }

    private static IEnumerable<string> UntypedNodes(YamlMappingNode node, string path)
    {
        var isSchemaNode = !path.EndsWith(".properties", StringComparison.Ordinal);
        if (isSchemaNode && !node.Children.ContainsKey("type"))
        {
            yield return path;
        }

        foreach (var (key, value) in node.Children)
        {
            if (value is YamlMappingNode child && key.ToString() is "properties" or "items" or "additionalProperties" || path.EndsWith(".properties", StringComparison.Ordinal))
            {
                foreach (var untyped in UntypedNodes((YamlMappingNode)value, $"{path}.{key}"))
                {
                    yield return untyped;
                }
            }
        }
    }
}
