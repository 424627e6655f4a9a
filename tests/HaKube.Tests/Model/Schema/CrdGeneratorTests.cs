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

    [Test]
    public void Render_CalicoOperatorManifests_AreBoundedAndEachNeedsItsSha256()
    {
        var manifests = (YamlMappingNode)Load()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["networking"]["properties"]["calico"]["properties"]["operatorManifests"];

        Assert.Multiple(() =>
        {
            Assert.That(manifests["maxItems"].ToString(), Is.EqualTo(HaKube.Model.Api.CalicoSpec.MaxOperatorManifests.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(((YamlSequenceNode)manifests["items"]["required"]).Select(n => n.ToString()), Is.EqualTo(new[] { "sha256" }));
            Assert.That(((YamlMappingNode)manifests["items"]["properties"]).Children.Keys.Select(k => k.ToString()), Is.EqualTo(new[] { "file", "secretRef", "sha256" }));
        });
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

    [TestCase("spec.networking.podSubnet", "192.168.0.0/16", true)]
    [TestCase("spec.networking.podSubnet", "fd00::/48", true)]
    [TestCase("spec.networking.podSubnet", "fd00::%0a---/64", false)]
    [TestCase("spec.networking.podSubnet", "192.168.0.0/016", false)]
    [TestCase("spec.networking.serviceSubnet", "10.96.0.0/12\n", false)]
    [TestCase("spec.controlPlaneEndpoint.host", "api.demo.internal", true)]
    [TestCase("spec.controlPlaneEndpoint.host", "[fd00::1]:22", false)]
    [TestCase("spec.controlPlaneEndpoint.host", "API.demo", false)]
    [TestCase("spec.ssh.privateKeyFile", "keys/id_ed25519", true)]
    [TestCase("spec.ssh.privateKeyFile", "keys/id\n", false)]
    [TestCase("spec.drainTimeout", "1h30m", true)]
    [TestCase("spec.drainTimeout", "30m1h", false)]
    [TestCase("spec.kubernetesVersion", "v1.31.04", false)]
    [TestCase("spec.images.repository", "registry.example.com:5000/k8s", true)]
    [TestCase("spec.images.repository", "https://registry.example.com/k8s", false)]
    [TestCase("spec.images.repository", "registry.example.com/K8s", false)]
    [TestCase("spec.images.registryMirrors[].registry", "docker.io", true)]
    [TestCase("spec.images.registryMirrors[].registry", "registry.example.com:5000", true)]
    [TestCase("spec.images.registryMirrors[].registry", "docker.io/library", false)]
    [TestCase("spec.images.registryMirrors[].url", "https://mirror.example.com:5000/v2", true)]
    [TestCase("spec.images.registryMirrors[].url", "https://user:pw@mirror.example.com", false)]
    [TestCase("spec.images.registryMirrors[].url", "https://mirror.example.com/?x=1", false)]
    [TestCase("spec.images.registryMirrors[].url", "https://mirror.example.com/\"\n[host]", false)]
    [TestCase("spec.images.registryMirrors[].caFile", "certs/ca.crt", true)]
    [TestCase("spec.packages.repository", "https://apt.example.com/pkgs.k8s.io", true)]
    [TestCase("spec.packages.repository", "ftp://apt.example.com", false)]
    [TestCase("spec.packages.keyFingerprint", "DE15B14486CD377B9E876E1A234654DA9A296436", true)]
    [TestCase("spec.packages.keyFingerprint", "de15b14486cd377b9e876e1a234654da9a296436", false)]
    [TestCase("spec.networking.calico.operatorManifests[].file", "calico/operator-crds.yaml", true)]
    [TestCase("spec.networking.calico.operatorManifests[].sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [TestCase("spec.networking.calico.operatorManifests[].sha256", "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", false)]
    [TestCase("spec.networking.calico.operatorManifests[].sha256", "0123456789abcdef", false)]
    [TestCase("spec.proxy.httpsProxy", "http://proxy.example.com:3128", true)]
    [TestCase("spec.proxy.httpsProxy", "http://user:pw@proxy.example.com:3128", false)]
    [TestCase("spec.proxy.noProxy[]", ".example.com", true)]
    [TestCase("spec.proxy.noProxy[]", "10.0.0.0/8", true)]
    [TestCase("spec.proxy.noProxy[]", "a b", false)]
    public void Render_FieldPattern_RefusesWhatValidationRefuses(string field, string value, bool accepted)
    {
        var schema = FieldSchema(field);
        // The API server runs Go regular expressions, where $ is the end of the text; .NET's \z is.
        var pattern = ((YamlScalarNode)schema["pattern"]).Value!;
        var matches = System.Text.RegularExpressions.Regex.IsMatch(value, pattern.EndsWith('$') ? pattern[..^1] + "\\z" : pattern);
        var maxLength = schema.Children.TryGetValue("maxLength", out var max) ? int.Parse(((YamlScalarNode)max).Value!, System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;

        Assert.That(matches && value.Length <= maxLength, Is.EqualTo(accepted), $"{field}: {pattern}");
    }

    private static YamlMappingNode FieldSchema(string field)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(CrdGenerator.Render()));
        var node = (YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)stream.Documents[0].RootNode["spec"]["versions"])[0])["schema"]["openAPIV3Schema"];
        foreach (var part in field.Split('.'))
        {
            // "name[]": the items of a list field.
            node = part.EndsWith("[]", StringComparison.Ordinal)
                ? (YamlMappingNode)node["properties"][part[..^2]]["items"]
                : (YamlMappingNode)node["properties"][part];
        }

        return node;
    }
}
