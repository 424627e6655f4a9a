using HaKube.Model.Validation;
using HaKube.Tests.Support;

namespace HaKube.Tests.Model.Validation;

/// <summary>
/// A mirror's CA and the package key come from files in directory mode and from Secrets as a custom
/// resource, like the SSH key: a file named in a custom resource is refused (it would never be read).
/// </summary>
public sealed class MirrorSourceValidationTests
{
    private const string Sources = """
          images:
            registryMirrors:
            - {registry: quay.io, url: "https://m.internal", caFile: certs/ca.crt, caSecretRef: {name: mirror-ca, key: ca.crt}}
          packages: {repository: "https://apt.internal", keyFile: keys/release.asc, keySecretRef: {name: apt-key, key: release.asc}}

        """;

    [Test]
    public void ParseAndValidate_CustomResourceWithFiles_RefusesEachFileAtItsLine()
    {
        var result = HaClusterValidator.ParseAndValidate(Manifest(Sources), "hakube-system/demo", ValidationOptions.CustomResource);

        Assert.That(result.Errors.Select(e => $"{e.Line}:{e.Column} {e.Field}"), Is.EqualTo(new[]
        {
            "16:62 spec.images.registryMirrors[0].caFile",
            "17:59 spec.packages.keyFile",
        }));
        Assert.That(result.Errors.Select(e => e.Message), Has.All.Contains("a custom resource has no files beside it"));
    }

    [Test]
    public void ParseAndValidate_CustomResourceWithSecrets_IsValid()
    {
        var text = Manifest(Sources.Replace("caFile: certs/ca.crt, ", "", StringComparison.Ordinal).Replace("keyFile: keys/release.asc, ", "", StringComparison.Ordinal));

        var result = HaClusterValidator.ParseAndValidate(text, "hakube-system/demo", ValidationOptions.CustomResource);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Manifests.Single().Cluster.Spec.Packages!.KeySecretRef!.Name, Is.EqualTo("apt-key"));
    }

    [Test]
    public void ParseAndValidate_CustomResourceWithBadSecretName_NamesTheRef()
    {
        var text = Manifest(Sources.Replace("caFile: certs/ca.crt, ", "", StringComparison.Ordinal).Replace("keyFile: keys/release.asc, ", "", StringComparison.Ordinal).Replace("mirror-ca", "Mirror_CA", StringComparison.Ordinal));

        var result = HaClusterValidator.ParseAndValidate(text, "hakube-system/demo", ValidationOptions.CustomResource);

        Assert.That(result.Errors.Select(e => e.Field), Is.EqualTo(new[] { "spec.images.registryMirrors[0].caSecretRef.name" }));
    }

    [Test]
    public void ParseAndValidate_FileModeFilesMissing_NamesEachFile()
    {
        var text = Manifest(Sources)
            .Replace("privateKeySecretRef: {name: demo-ssh, key: id_ed25519}", "privateKeyFile: id", StringComparison.Ordinal)
            .Replace("knownHostsSecretRef: {name: demo-ssh, key: known_hosts}", "knownHostsFile: id", StringComparison.Ordinal);
        var result = HaClusterValidator.ParseAndValidate(text, "/srv/demo.yaml",
            new ValidationOptions(ManifestMode.File, new FakeReferencedFiles(path => path == "/srv/id")));

        Assert.That(result.Errors.Select(e => $"{e.Field}: {e.Message}"), Is.EqualTo(new[]
        {
            "spec.images.registryMirrors[0].caFile: CA file \"certs/ca.crt\" not found (looked for /srv/certs/ca.crt)",
            "spec.packages.keyFile: signing key \"keys/release.asc\" not found (looked for /srv/keys/release.asc)",
        }));
    }

    private static string Manifest(string sources) =>
        "apiVersion: hakube.io/v1alpha1\n" +
        "kind: HaCluster\n" +
        "metadata: {name: demo, namespace: hakube-system}\n" +
        "spec:\n" +
        "  kubernetesVersion: v1.31.4\n" +
        "  controlPlaneEndpoint: {host: api.demo.internal}\n" +
        "  networking: {cni: None}\n" +
        "  ssh:\n" +
        "    privateKeySecretRef: {name: demo-ssh, key: id_ed25519}\n" +
        "    knownHostsSecretRef: {name: demo-ssh, key: known_hosts}\n" +
        "  allowNonHighlyAvailable: true\n" +
        "  hosts:\n" +
        "  - {name: cp1, address: 127.0.99.1, roles: [ControlPlane]}\n" +
        sources;
}
