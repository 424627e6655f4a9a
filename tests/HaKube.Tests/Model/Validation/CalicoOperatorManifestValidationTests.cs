using System.Security.Cryptography;
using System.Text;
using HaKube.Model.Api;
using HaKube.Model.Validation;
using HaKube.Tests.Support;

namespace HaKube.Tests.Model.Validation;

/// <summary>
/// spec.networking.calico.operatorManifests: each a file (directory mode) or Secret key (custom
/// resource) pinned by a lower-case SHA-256; every error located at its field.
/// </summary>
public sealed class CalicoOperatorManifestValidationTests
{
    private const string Crds = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: installations.operator.tigera.io}\n";
    private const string Operator = "apiVersion: v1\nkind: Namespace\nmetadata: {name: tigera-operator}\n";
    private static readonly string CrdsSha = Sha(Crds);
    private static readonly string OperatorSha = Sha(Operator);

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // Files beside /srv/demo.yaml: the SSH key and the two manifests.
    private static FakeReferencedFiles Disk(string crds = Crds) => new(
        path => path is "/srv/id" or "/srv/calico/crds.yaml" or "/srv/calico/operator.yaml",
        path => path switch
        {
            "/srv/calico/crds.yaml" => Encoding.UTF8.GetBytes(crds),
            "/srv/calico/operator.yaml" => Encoding.UTF8.GetBytes(Operator),
            _ => null,
        });

    private static List<string> Errors(string calico, ValidationOptions options, string cni = "Calico") =>
        HaClusterValidator.ParseAndValidate(Manifest(calico, cni), "/srv/demo.yaml", options).Errors.Select(e => $"{e.Line}:{e.Column} {e.Field}: {e.Message}").ToList();

    private static ValidationOptions FileMode(FakeReferencedFiles? files = null) => new(ManifestMode.File, files ?? Disk());

    [Test]
    public void ParseAndValidate_FilesWithTheirHashes_IsValidAndBound()
    {
        var result = HaClusterValidator.ParseAndValidate(Manifest($"""
            operatorManifests:
            - {"{"}file: calico/crds.yaml, sha256: {CrdsSha}{"}"}
            - {"{"}file: calico/operator.yaml, sha256: {OperatorSha}{"}"}
            """), "/srv/demo.yaml", FileMode());

        Assert.That(result.Errors.Select(e => e.ToString()), Is.Empty);
        Assert.That(result.Manifests.Single().Cluster.Spec.Networking.Calico!.OperatorManifests, Is.EqualTo(new[]
        {
            new CalicoOperatorManifest { File = "calico/crds.yaml", Sha256 = CrdsSha },
            new CalicoOperatorManifest { File = "calico/operator.yaml", Sha256 = OperatorSha },
        }));
    }

    [Test]
    public void ParseAndValidate_HashNotLowerCaseHex_NamesTheCanonicalForm()
    {
        var errors = Errors($"operatorManifests:\n- {{file: calico/crds.yaml, sha256: {CrdsSha.ToUpperInvariant()}}}", FileMode());

        Assert.That(errors, Is.EqualTo(new[] { $"12:42 spec.networking.calico.operatorManifests[0].sha256: \"{CrdsSha.ToUpperInvariant()}\" is not in canonical form; expected {CrdsSha}" }));
    }

    [TestCase("abc")]
    [TestCase("sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [TestCase("g000000000000000000000000000000000000000000000000000000000000000")]
    public void ParseAndValidate_HashNotASha256_Refused(string hash)
    {
        var errors = Errors($"operatorManifests:\n- {{file: calico/crds.yaml, sha256: \"{hash}\"}}", FileMode());

        Assert.That(errors, Is.EqualTo(new[] { $"12:42 spec.networking.calico.operatorManifests[0].sha256: \"{hash}\" is not a SHA-256; expected 64 lower-case hex digits, as sha256sum prints them" }));
    }

    [Test]
    public void ParseAndValidate_NoHash_RefusedAsARequiredField()
    {
        var errors = Errors("operatorManifests:\n- {file: calico/crds.yaml}", FileMode());

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("12:9 spec.networking.calico.operatorManifests[0].sha256: required field is missing"));
    }

    [Test]
    public void ParseAndValidate_FileMissing_LocatedAtTheFile()
    {
        var errors = Errors($"operatorManifests:\n- {{file: calico/missing.yaml, sha256: {CrdsSha}}}", FileMode());

        Assert.That(errors, Is.EqualTo(new[] { "12:16 spec.networking.calico.operatorManifests[0].file: operator manifest \"calico/missing.yaml\" not found (looked for /srv/calico/missing.yaml)" }));
    }

    [Test]
    public void ParseAndValidate_FileWithOtherContent_SaysBothHashesNeverTheContent()
    {
        var tampered = Crds + "---\nkind: ClusterRoleBinding\n";
        var errors = Errors($"operatorManifests:\n- {{file: calico/crds.yaml, sha256: {CrdsSha}}}", FileMode(Disk(tampered)));

        Assert.That(errors, Is.EqualTo(new[] { $"12:16 spec.networking.calico.operatorManifests[0].file: operator manifest \"calico/crds.yaml\" has SHA-256 {Sha(tampered)}; expected {CrdsSha} (its sha256)" }));
        Assert.That(errors[0], Does.Not.Contain("ClusterRoleBinding"));
    }

    [Test]
    public void ParseAndValidate_SecretRefInDirectoryMode_RefusedAsNeverRead()
    {
        var errors = Errors($"operatorManifests:\n- {{secretRef: {{name: calico, key: crds}}, sha256: {CrdsSha}}}", FileMode());

        Assert.That(errors, Is.EqualTo(new[] { "12:21 spec.networking.calico.operatorManifests[0].secretRef: a Secret is read only from a custom resource; expected file: the manifest's path relative to this manifest" }));
    }

    [Test]
    public void ParseAndValidate_CustomResourceWithSecretRefs_IsValid()
    {
        var errors = Errors($"operatorManifests:\n- {{secretRef: {{name: calico, key: crds.yaml}}, sha256: {CrdsSha}}}", ValidationOptions.CustomResource);

        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void ParseAndValidate_CustomResourceWithAFile_RefusedAtTheFile()
    {
        var errors = Errors($"operatorManifests:\n- {{file: calico/crds.yaml, sha256: {CrdsSha}}}\n- {{sha256: {OperatorSha}}}", ValidationOptions.CustomResource);

        Assert.That(errors, Is.EqualTo(new[]
        {
            "12:16 spec.networking.calico.operatorManifests[0].file: a custom resource has no files beside it, so file is never read; expected secretRef: {name, key} naming a Secret in the HaCluster's namespace",
            "13:9 spec.networking.calico.operatorManifests[1]: no source; expected secretRef: {name, key} naming a Secret in the HaCluster's namespace",
        }));
    }

    [Test]
    public void ParseAndValidate_CustomResourceWithBadSecretKey_NamesTheKey()
    {
        var errors = Errors($"operatorManifests:\n- {{secretRef: {{name: calico, key: \"../x\"}}, sha256: {CrdsSha}}}", ValidationOptions.CustomResource);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("12:41 spec.networking.calico.operatorManifests[0].secretRef.key: "));
    }

    [Test]
    public void ParseAndValidate_CalicoWithCniNone_Refused()
    {
        var errors = Errors($"operatorManifests:\n- {{file: calico/crds.yaml, sha256: {CrdsSha}}}", FileMode(), cni: "None");

        Assert.That(errors, Is.EqualTo(new[] { "11:7 spec.networking.calico: cni is None, so calico is never used; expected cni: Calico, or no calico section" }));
    }

    [Test]
    public void ParseAndValidate_TooManyManifests_Refused()
    {
        var entries = string.Concat(Enumerable.Repeat($"\n- {{file: calico/crds.yaml, sha256: {CrdsSha}}}", CalicoSpec.MaxOperatorManifests + 1));

        var errors = Errors("operatorManifests:" + entries, FileMode());

        Assert.That(errors, Is.EqualTo(new[] { $"12:7 spec.networking.calico.operatorManifests: {CalicoSpec.MaxOperatorManifests + 1} manifests; expected at most {CalicoSpec.MaxOperatorManifests}" }));
    }

    // calico: at line 10, its value (operatorManifests:) at 11:7, its first entry at line 12; errors point at values.
    private static string Manifest(string calico, string cni = "Calico") =>
        "apiVersion: hakube.io/v1alpha1\n" +
        "kind: HaCluster\n" +
        "metadata: {name: demo, namespace: hakube-system}\n" +
        "spec:\n" +
        "  kubernetesVersion: v1.31.4\n" +
        "  controlPlaneEndpoint: {host: api.demo.internal}\n" +
        "  allowNonHighlyAvailable: true\n" +
        "  networking:\n" +
        $"    cni: {cni}\n" +
        "    calico:\n" +
        string.Concat(calico.Split('\n').Select(l => "      " + l + "\n")) +
        "    podSubnet: 192.168.0.0/16\n" +
        "  ssh:\n" +
        "    privateKeyFile: id\n" +
        "    privateKeySecretRef: {name: demo-ssh, key: id_ed25519}\n" +
        "  hosts:\n" +
        "  - {name: cp1, address: 10.0.0.1, roles: [ControlPlane], hostKey: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//\"}\n";
}
