using HaKube.Model.Loading;
using HaKube.Model.Validation;

namespace HaKube.Tests.Model.Validation;

/// <summary>Custom-resource mode's SSH sources: the key and the known_hosts come from Secrets, named and checked like each other.</summary>
[TestFixture]
public sealed class CustomResourceSshValidationTests
{
    [Test]
    public void ParseAndValidate_KnownHostsSecretRefAndUnpinnedHost_IsValid()
    {
        var result = Validate("    knownHostsSecretRef: {name: demo-hosts, key: known_hosts}\n");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Manifests.Single().Cluster.Spec.Ssh.KnownHostsSecretRef?.Name, Is.EqualTo("demo-hosts"));
    }

    [Test]
    public void ParseAndValidate_NoHostKeySource_ErrorOffersTheSecret()
    {
        var result = Validate("");

        Assert.That(result.Errors.Select(e => $"{e.Field}: {e.Message}"), Has.One.Contains("spec.hosts[0]: host \"cp1\" has no hostKey").And.Contains("spec.ssh.knownHostsSecretRef"));
    }

    [Test]
    public void ParseAndValidate_BadSecretNameAndKey_NamesFieldAndLine()
    {
        var result = Validate("    knownHostsSecretRef: {name: Demo_Hosts, key: \"known hosts\"}\n");

        Assert.That(result.Errors.Select(e => $"{e.Line} {e.Field}: {e.Message}"), Is.EquivalentTo(new[]
        {
            "10 spec.ssh.knownHostsSecretRef.name: \"Demo_Hosts\" is not a Secret name; expected a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')",
            "10 spec.ssh.knownHostsSecretRef.key: \"known hosts\" is not a Secret data key; expected letters, digits, '-', '_' and '.'",
        }));
    }

    [Test]
    public void ParseAndValidate_FileMode_KnownHostsSecretRefIsNoHostKeySource()
    {
        var text = Manifest("    privateKeyFile: id_ed25519\n    knownHostsSecretRef: {name: demo-hosts, key: known_hosts}\n");

        var result = HaClusterValidator.ParseAndValidate(text, "demo.yaml", new ValidationOptions(ManifestMode.File, HaKube.Tests.Support.FakeReferencedFiles.All));

        Assert.That(result.Errors.Select(e => e.Field), Is.EqualTo(new[] { "spec.hosts[0]" }));
    }

    private static ParseResult Validate(string knownHosts) =>
        HaClusterValidator.ParseAndValidate(Manifest("    privateKeySecretRef: {name: demo-ssh, key: id_ed25519}\n" + knownHosts), "hakube-system/demo", ValidationOptions.CustomResource);

    private static string Manifest(string ssh) =>
        "apiVersion: hakube.io/v1alpha1\n" +
        "kind: HaCluster\n" +
        "metadata: {name: demo, namespace: hakube-system}\n" +
        "spec:\n" +
        "  kubernetesVersion: v1.31.4\n" +
        "  controlPlaneEndpoint: {host: api.demo.internal}\n" +
        "  networking: {cni: None}\n" +
        "  ssh:\n" +
        ssh +
        "  allowNonHighlyAvailable: true\n" +
        "  hosts:\n" +
        "  - {name: cp1, address: 127.0.99.1, roles: [ControlPlane]}\n";
}
