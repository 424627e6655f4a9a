using HaKube.Model.Api;
using HaKube.Model.Validation;
using HaKube.Tests.Support;

namespace HaKube.Tests.Model.Validation;

public sealed class ExampleManifestTests
{
    private static readonly string[] Examples = ["design-example.yaml", "stacked.yaml", "external.yaml", "mirrors.yaml", "air-gapped.yaml"];

    [TestCaseSource(nameof(Examples))]
    public void ParseAndValidate_ExampleWithItsKeyFiles_IsValid(string name)
    {
        var file = Path.Combine(RepositoryPaths.Examples, name);
        var keyFiles = new[] { "keys/id_ed25519", "keys/known_hosts", "keys/kubernetes-release.asc", "certs/registry-ca.crt", "keys/apt-mirror.asc", "calico/operator-crds.yaml", "calico/tigera-operator.yaml" }
            .Select(k => Path.GetFullPath(Path.Combine(RepositoryPaths.Examples, k)))
            .ToHashSet();

        var result = HaClusterValidator.ParseAndValidate(File.ReadAllText(file), file, new ValidationOptions(ManifestMode.File, new FakeReferencedFiles(keyFiles.Contains)));

        Assert.That(result.Errors.Select(e => e.ToString()), Is.Empty);
        Assert.That(result.Manifests, Has.Count.EqualTo(1));
    }

    [Test]
    public void ParseAndValidate_DesignExampleWithoutKeyFiles_NamesBothMissingFiles()
    {
        var file = Path.Combine(RepositoryPaths.Examples, "design-example.yaml");

        var result = HaClusterValidator.ParseAndValidate(File.ReadAllText(file), file, new ValidationOptions(ManifestMode.File, FakeReferencedFiles.None));

        Assert.That(result.Errors.Select(e => $"{e.Line}:{e.Column} {e.Field}"), Is.EqualTo(new[]
        {
            "25:21 spec.ssh.privateKeyFile",
            "27:21 spec.ssh.knownHostsFile",
        }));
    }

    [Test]
    public void ParseAndValidate_DesignExampleAsCustomResource_RefusesTheKnownHostsFileItCannotRead()
    {
        // A custom resource has no files beside it: knownHostsFile would never be read there.
        var file = Path.Combine(RepositoryPaths.Examples, "design-example.yaml");

        var result = HaClusterValidator.ParseAndValidate(File.ReadAllText(file), file, ValidationOptions.CustomResource);

        Assert.That(result.Errors.Select(e => $"{e.Line}:{e.Column} {e.Field}"), Is.EqualTo(new[] { "27:21 spec.ssh.knownHostsFile" }));
    }

    [Test]
    public void ParseAndValidate_DesignExampleAsCustomResourceWithKnownHostsSecret_IsValidWithSecretRef()
    {
        var file = Path.Combine(RepositoryPaths.Examples, "design-example.yaml");
        var text = File.ReadAllText(file).Replace("knownHostsFile: keys/known_hosts", "knownHostsSecretRef: {name: demo-ssh, key: known_hosts}", StringComparison.Ordinal);

        var result = HaClusterValidator.ParseAndValidate(text, file, ValidationOptions.CustomResource);

        Assert.That(result.Errors, Is.Empty);
        var spec = result.Manifests.Single().Cluster.Spec;
        Assert.Multiple(() =>
        {
            Assert.That(spec.Etcd.Topology, Is.EqualTo(EtcdTopology.External));
            Assert.That(spec.EtcdMembers().Select(h => h.Name), Is.EqualTo(new[] { "etcd1", "etcd2", "etcd3" }));
            Assert.That(spec.Ssh.PrivateKeySecretRef, Is.EqualTo(new SecretKeyRef { Name = "demo-ssh", Key = "id_ed25519" }));
            Assert.That(spec.Hosts[0].Labels!["zone"], Is.EqualTo("a"));
            Assert.That(spec.Version().UsesKubeadmV1Beta4, Is.True);
        });
    }
}
