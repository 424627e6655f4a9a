using HaKube.Model.Loading;
using HaKube.Model.Validation;
using HaKube.Reconciler.Manifests;

namespace HaKube.Tests.Reconciler.Manifests;

/// <summary>Directory mode reads a mirror's CA and the package key as it reads the SSH key: inside the manifest's folder, regular files, checked content.</summary>
public sealed class ManifestReferencesTests
{
    private string _root = "";
    private string _outside = "";

    [SetUp]
    public void CreateFolders()
    {
        _root = Directory.CreateTempSubdirectory("hakube-mirrors-").FullName;
        _outside = Directory.CreateTempSubdirectory("hakube-elsewhere-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "certs"));
        File.WriteAllText(Path.Combine(_root, "release.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBG\n-----END PGP PUBLIC KEY BLOCK-----\n");
    }

    [TearDown]
    public void DeleteFolders()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private LoadedManifest Manifest(string caFile)
    {
        var file = Path.Combine(_root, "cluster.yaml");
        var text = $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: demo}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: api.demo.internal}
              networking: {cni: None}
              images:
                registryMirrors:
                - {registry: quay.io, url: "https://m.internal", caFile: "{{caFile}}"}
              packages: {repository: "https://apt.internal", keyFile: release.asc}
              ssh: {privateKeyFile: id}
              allowNonHighlyAvailable: true
              hosts:
              - {name: cp1, address: 10.0.0.1, roles: [ControlPlane], hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//"}

            """;
        var result = HaClusterValidator.ParseAndValidate(text, file, new ValidationOptions(ManifestMode.File));
        Assert.That(result.Errors, Is.Empty);
        return result.Manifests.Single();
    }

    [Test]
    public async Task LoadAsync_FilesInsideTheFolder_ReadsCaAndKey()
    {
        var ca = await CaPemAsync();
        await File.WriteAllTextAsync(Path.Combine(_root, "certs", "ca.crt"), ca);

        var content = await ManifestReferences.LoadAsync(Manifest("certs/ca.crt"), CancellationToken.None);

        Assert.That(content.RegistryCas["quay.io"], Is.EqualTo(ca));
        Assert.That(content.PackageKey, Does.StartWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    }

    [Test]
    public async Task LoadAsync_CaSymlinkedOutsideTheFolder_RefusedNamingTheManifestAndField()
    {
        await File.WriteAllTextAsync(Path.Combine(_outside, "ca.crt"), await CaPemAsync());
        File.CreateSymbolicLink(Path.Combine(_root, "certs", "ca.crt"), Path.Combine(_outside, "ca.crt"));

        var load = () => ManifestReferences.LoadAsync(Manifest("certs/ca.crt"), CancellationToken.None);

        Assert.That(load, Throws.InvalidOperationException.With.Message.StartsWith(Path.Combine(_root, "cluster.yaml") + ": spec.images.registryMirrors[0].caFile: "));
    }

    [Test]
    public async Task LoadAsync_CaAllowedOutside_Reads()
    {
        await File.WriteAllTextAsync(Path.Combine(_outside, "ca.crt"), await CaPemAsync());

        var content = await ManifestReferences.LoadAsync(Manifest(Path.Combine(_outside, "ca.crt")), CancellationToken.None, [_outside]);

        Assert.That(content.RegistryCas, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task LoadAsync_CaFileIsAKey_RefusedAsNoCertificate()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "certs", "ca.crt"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n");

        var load = () => ManifestReferences.LoadAsync(Manifest("certs/ca.crt"), CancellationToken.None);

        Assert.That(load, Throws.InvalidOperationException.With.Message.Contains("spec.images.registryMirrors[0].ca: holds a private key"));
    }

    private const string Operator = "apiVersion: v1\nkind: Namespace\nmetadata: {name: tigera-operator}\n";

    private static string Sha(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private LoadedManifest CalicoManifest(string sha256)
    {
        var file = Path.Combine(_root, "cluster.yaml");
        var text = $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: demo}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: api.demo.internal}
              networking:
                podSubnet: 192.168.0.0/16
                calico:
                  operatorManifests:
                  - {file: calico/tigera-operator.yaml, sha256: {{sha256}}}
              ssh: {privateKeyFile: id}
              allowNonHighlyAvailable: true
              hosts:
              - {name: cp1, address: 10.0.0.1, roles: [ControlPlane], hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//"}

            """;
        var result = HaClusterValidator.ParseAndValidate(text, file, new ValidationOptions(ManifestMode.File));
        Assert.That(result.Errors, Is.Empty);
        return result.Manifests.Single();
    }

    [Test]
    public async Task LoadAsync_CalicoOperatorManifestFile_ReadsItAsPinned()
    {
        Directory.CreateDirectory(Path.Combine(_root, "calico"));
        await File.WriteAllTextAsync(Path.Combine(_root, "calico", "tigera-operator.yaml"), Operator);

        var content = await ManifestReferences.LoadAsync(CalicoManifest(Sha(Operator)), CancellationToken.None);

        Assert.That(content.CalicoOperatorManifests, Is.EqualTo(new[] { Operator }));
    }

    [Test]
    public async Task LoadAsync_CalicoOperatorManifestChangedSinceValidation_RefusedWithBothHashes()
    {
        Directory.CreateDirectory(Path.Combine(_root, "calico"));
        var changed = Operator + "---\nkind: ClusterRoleBinding\n";
        await File.WriteAllTextAsync(Path.Combine(_root, "calico", "tigera-operator.yaml"), changed);

        var load = () => ManifestReferences.LoadAsync(CalicoManifest(Sha(Operator)), CancellationToken.None);

        Assert.That(load, Throws.InvalidOperationException.With.Message.EqualTo(
            $"{Path.Combine(_root, "cluster.yaml")}: spec.networking.calico.operatorManifests[0]: the content has SHA-256 {Sha(changed)}; expected {Sha(Operator)} (its sha256)"));
    }

    [Test]
    public async Task LoadAsync_CalicoOperatorManifestTooLarge_RefusedWithoutReadingIt()
    {
        Directory.CreateDirectory(Path.Combine(_root, "calico"));
        await using (var big = File.Create(Path.Combine(_root, "calico", "tigera-operator.yaml")))
        {
            big.SetLength(HaKube.Model.Api.CalicoSpec.MaxOperatorManifestBytes + 1); // sparse: nothing is written
        }

        var load = () => ManifestReferences.LoadAsync(CalicoManifest(Sha(Operator)), CancellationToken.None);

        Assert.That(load, Throws.InvalidOperationException.With.Message.StartsWith($"{Path.Combine(_root, "cluster.yaml")}: spec.networking.calico.operatorManifests[0].file: "));
    }

    private static Task<string> CaPemAsync()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        return Task.FromResult(certificate.ExportCertificatePem() + "\n");
    }
}
