using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Actions.Rendering;

/// <summary>containerd's hosts.toml per mirrored registry, in containerd's documented format, and the CA beside it.</summary>
public sealed class RegistryHostsRendererTests
{
    private const string Ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    private static HaClusterSpec Spec(params RegistryMirror[] mirrors) =>
        Clusters.Spec().Spec with { Images = new ImagesSpec { RegistryMirrors = mirrors } };

    [Test]
    public void Files_HttpsMirrorWithCa_WritesHostsTomlNamingTheCaAndTheCa()
    {
        var spec = Spec(new RegistryMirror { Registry = "quay.io", Url = "https://registry.example.internal:5000/quay", CaFile = "certs/ca.crt" });
        var content = new ReferencedContent(new Dictionary<string, string> { ["quay.io"] = Ca }, null);

        var files = RegistryHostsRenderer.Files(spec, content);

        Assert.That(files, Is.EqualTo(new[]
        {
            ("/etc/containerd/certs.d/quay.io/ca.crt", Ca),
            ("/etc/containerd/certs.d/quay.io/hosts.toml",
                "# Registry quay.io through its mirror, written by HaKube.\n" +
                "server = \"https://quay.io\"\n" +
                "\n" +
                "[host.\"https://registry.example.internal:5000/quay\"]\n" +
                "  capabilities = [\"pull\", \"resolve\"]\n" +
                "  ca = \"/etc/containerd/certs.d/quay.io/ca.crt\"\n"),
        }));
    }

    [Test]
    public void Files_DockerHubAndARegistryWithPort_UseDockerHubsApiHostAndThePortInTheFolder()
    {
        var spec = Spec(
            new RegistryMirror { Registry = "docker.io", Url = "http://10.0.0.100:5000" },
            new RegistryMirror { Registry = "registry.internal:5443", Url = "https://mirror.internal" });

        var files = RegistryHostsRenderer.Files(spec, ReferencedContent.None);

        Assert.That(files, Is.EqualTo(new[]
        {
            ("/etc/containerd/certs.d/docker.io/hosts.toml",
                "# Registry docker.io through its mirror, written by HaKube.\n" +
                "server = \"https://registry-1.docker.io\"\n" +
                "\n" +
                "[host.\"http://10.0.0.100:5000\"]\n" +
                "  capabilities = [\"pull\", \"resolve\"]\n"),
            ("/etc/containerd/certs.d/registry.internal:5443/hosts.toml",
                "# Registry registry.internal:5443 through its mirror, written by HaKube.\n" +
                "server = \"https://registry.internal:5443\"\n" +
                "\n" +
                "[host.\"https://mirror.internal\"]\n" +
                "  capabilities = [\"pull\", \"resolve\"]\n"),
        }));
    }

    [Test]
    public void Files_CaNamedButNotLoaded_Throws()
    {
        var spec = Spec(new RegistryMirror { Registry = "quay.io", Url = "https://mirror.internal", CaSecretRef = new SecretKeyRef { Name = "ca", Key = "ca.crt" } });

        Assert.That(() => RegistryHostsRenderer.Files(spec, ReferencedContent.None), Throws.ArgumentException.With.Message.Contains("quay.io"));
    }

    [Test]
    public async Task HostsToml_HostileRegistryAndUrl_StayOneTomlString()
    {
        // Validation refuses both; the emitter still keeps them inside their strings.
        var text = RegistryHostsRenderer.HostsToml("evil\"]\n[x]", HaKube.Model.Values.HttpUrl.Parse("https://mirror.internal"), "/a\"b\\c");

        var json = await HaKube.Tests.Support.PyToml.ToJsonAsync(text);

        Assert.That(json, Does.Contain("\"ca\": \"/a\\\"b\\\\c\""));
        Assert.That(json, Does.Not.Contain("\"x\""));
    }

    [Test]
    public void Files_NoImagesSection_WritesNothing()
    {
        Assert.That(RegistryHostsRenderer.Files(Clusters.Spec().Spec, ReferencedContent.None), Is.Empty);
    }

    [Test]
    public async Task HostsToml_Rendered_ParsesAsTomlWithTheSameValues()
    {
        var text = RegistryHostsRenderer.HostsToml("quay.io", HaKube.Model.Values.HttpUrl.Parse("https://mirror.internal:5000"), "/etc/containerd/certs.d/quay.io/ca.crt");

        // Python's tomllib is a strict TOML 1.0 reader: what containerd's go-toml reads too.
        var json = await HaKube.Tests.Support.PyToml.ToJsonAsync(text);

        Assert.That(json, Is.EqualTo("{\"server\": \"https://quay.io\", \"host\": {\"https://mirror.internal:5000\": {\"capabilities\": [\"pull\", \"resolve\"], \"ca\": \"/etc/containerd/certs.d/quay.io/ca.crt\"}}}"));
    }

    [Test]
    public async Task HostsToml_MirrorIsTheRegistryItself_ServerHasTheCaToo()
    {
        var text = RegistryHostsRenderer.HostsToml("registry.internal:5000", HaKube.Model.Values.HttpUrl.Parse("https://registry.internal:5000"), "/etc/containerd/certs.d/registry.internal:5000/ca.crt");

        var json = await HaKube.Tests.Support.PyToml.ToJsonAsync(text);

        Assert.That(json, Is.EqualTo("{\"server\": \"https://registry.internal:5000\", \"ca\": \"/etc/containerd/certs.d/registry.internal:5000/ca.crt\", \"host\": {\"https://registry.internal:5000\": {\"capabilities\": [\"pull\", \"resolve\"], \"ca\": \"/etc/containerd/certs.d/registry.internal:5000/ca.crt\"}}}"));
    }
}
