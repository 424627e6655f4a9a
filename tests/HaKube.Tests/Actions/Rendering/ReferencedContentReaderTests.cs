using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Actions.Rendering;

/// <summary>Mirror CAs and the package key are checked for what they claim to be before they reach a host.</summary>
public sealed class ReferencedContentReaderTests
{
    private const string PublicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGMHRB\n-----END PGP PUBLIC KEY BLOCK-----\n";

    private static string CaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mirror-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(30));
        return certificate.ExportCertificatePem();
    }

    private static HaClusterSpec Spec() => Clusters.Spec().Spec with
    {
        Images = new ImagesSpec
        {
            RegistryMirrors =
            [
                new RegistryMirror { Registry = "quay.io", Url = "https://m.internal", CaFile = "certs/ca.crt" },
                new RegistryMirror { Registry = "docker.io", Url = "https://m.internal" },
            ],
        },
        Packages = new PackagesSpec { Repository = "https://apt.internal", KeySecretRef = new SecretKeyRef { Name = "apt", Key = "release.asc" } },
    };

    [Test]
    public async Task ReadAsync_CaAndKey_ReadsEachFromItsFieldWithItsBound()
    {
        var ca = CaPem();
        var asked = new List<string>();

        var content = await ReferencedContentReader.ReadAsync(Spec(), (source, _) =>
        {
            asked.Add($"{source.FileField} {source.SecretField} {source.File ?? source.Secret!.Name} {source.MaxBytes}");
            return Task.FromResult(Encoding.UTF8.GetBytes(source.FileField.EndsWith(".caFile", StringComparison.Ordinal) ? ca : PublicKey));
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(asked, Is.EqualTo(new[]
            {
                $"spec.images.registryMirrors[0].caFile spec.images.registryMirrors[0].caSecretRef certs/ca.crt {ImagesSpec.MaxCaBytes}",
                $"spec.packages.keyFile spec.packages.keySecretRef apt {PackagesSpec.MaxKeyBytes}",
            }));
            // .NET's PEM export has no final newline; the file written to hosts gets one.
            Assert.That(content.RegistryCas, Is.EqualTo(new Dictionary<string, string> { ["quay.io"] = ca + "\n" }));
            Assert.That(content.PackageKey, Is.EqualTo(PublicKey));
        });
    }

    [Test]
    public void CheckCertificates_PemWithAPrivateKey_RefusedNamingTheField()
    {
        var text = CaPem() + "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";

        Assert.That(() => ReferencedContentReader.CheckCertificates("spec.images.registryMirrors[0].ca", Encoding.UTF8.GetBytes(text)),
            Throws.InvalidOperationException.With.Message.StartsWith("spec.images.registryMirrors[0].ca: holds a private key"));
    }

    [TestCase("not a certificate\n")]
    [TestCase("-----BEGIN CERTIFICATE-----\nbm90IERFUg==\n-----END CERTIFICATE-----\n")]
    public void CheckCertificates_NoParsableCertificate_Refused(string text)
    {
        Assert.That(() => ReferencedContentReader.CheckCertificates("f", Encoding.UTF8.GetBytes(text)), Throws.InvalidOperationException.With.Message.StartsWith("f: "));
    }

    [Test]
    public void CheckCertificates_NotUtf8_Refused()
    {
        Assert.That(() => ReferencedContentReader.CheckCertificates("f", [0xff, 0xfe, 0x00]), Throws.InvalidOperationException.With.Message.Contains("not UTF-8"));
    }

    [TestCase("-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----\n", "holds a private key")]
    [TestCase("\u0099\u0001\u000d binary keyring", "not an ASCII-armored OpenPGP public key")]
    [TestCase("-----BEGIN PGP PUBLIC KEY BLOCK-----\ntruncated\n", "not an ASCII-armored OpenPGP public key")]
    public void CheckPublicKey_NotAnArmoredPublicKey_Refused(string text, string message)
    {
        Assert.That(() => ReferencedContentReader.CheckPublicKey("spec.packages.key", Encoding.UTF8.GetBytes(text)), Throws.InvalidOperationException.With.Message.Contains(message));
    }

    [Test]
    public void CheckPublicKey_NoFinalNewline_GetsOne()
    {
        Assert.That(ReferencedContentReader.CheckPublicKey("k", Encoding.UTF8.GetBytes(PublicKey.TrimEnd('\n'))), Is.EqualTo(PublicKey));
    }

    private const string Operator = "apiVersion: v1\nkind: Namespace\nmetadata: {name: tigera-operator}\n";

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static HaClusterSpec SpecWithCalico(CniPlugin cni, params CalicoOperatorManifest[] manifests)
    {
        var spec = Clusters.Spec().Spec;
        return spec with { Networking = spec.Networking with { Cni = cni, PodSubnet = "192.168.0.0/16", Calico = new CalicoSpec { OperatorManifests = manifests } } };
    }

    [Test]
    public async Task ReadAsync_CalicoOperatorManifests_ReadsEachInOrderWithItsFieldsAndBound()
    {
        var texts = new Dictionary<string, string> { ["calico/crds.yaml"] = "# crds\n" + Operator, ["op"] = Operator };
        var asked = new List<string>();
        var spec = SpecWithCalico(CniPlugin.Calico,
            new CalicoOperatorManifest { File = "calico/crds.yaml", Sha256 = Sha(texts["calico/crds.yaml"]) },
            new CalicoOperatorManifest { SecretRef = new SecretKeyRef { Name = "calico", Key = "op" }, Sha256 = Sha(Operator) });

        var content = await ReferencedContentReader.ReadAsync(spec, (source, _) =>
        {
            asked.Add($"{source.FileField} {source.SecretField} {source.MaxBytes}");
            return Task.FromResult(Encoding.UTF8.GetBytes(texts[source.File ?? source.Secret!.Key]));
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(asked, Is.EqualTo(new[]
            {
                $"spec.networking.calico.operatorManifests[0].file spec.networking.calico.operatorManifests[0].secretRef {CalicoSpec.MaxOperatorManifestBytes}",
                $"spec.networking.calico.operatorManifests[1].file spec.networking.calico.operatorManifests[1].secretRef {CalicoSpec.MaxOperatorManifestBytes}",
            }));
            Assert.That(content.CalicoOperatorManifests, Is.EqualTo(new[] { texts["calico/crds.yaml"], Operator }));
        });
    }

    [Test]
    public async Task ReadAsync_CniNone_ReadsNoCalicoManifest()
    {
        var spec = SpecWithCalico(CniPlugin.None, new CalicoOperatorManifest { File = "op.yaml", Sha256 = Sha(Operator) });

        var content = await ReferencedContentReader.ReadAsync(spec, (_, _) => throw new AssertionException("nothing is read"), CancellationToken.None);

        Assert.That(content.CalicoOperatorManifests, Is.Empty);
    }

    [Test]
    public void CheckPinned_OtherContent_RefusedWithBothHashesAndNoContent()
    {
        var other = Operator.Replace("tigera-operator", "evil-operator", StringComparison.Ordinal);

        Assert.That(() => ReferencedContentReader.CheckPinned("spec.networking.calico.operatorManifests[0]", Encoding.UTF8.GetBytes(other), Sha(Operator)),
            Throws.InvalidOperationException.With.Message.EqualTo($"spec.networking.calico.operatorManifests[0]: the content has SHA-256 {Sha(other)}; expected {Sha(Operator)} (its sha256)"));
    }

    [Test]
    public void CheckPinned_PinnedBytesWithoutFinalNewline_KeptByteForByte()
    {
        var text = Operator.TrimEnd('\n');

        Assert.That(ReferencedContentReader.CheckPinned("f", Encoding.UTF8.GetBytes(text), Sha(text)), Is.EqualTo(text));
    }

    [Test]
    public void CheckPinned_PinnedButNotUtf8_Refused()
    {
        byte[] bytes = [0xff, 0xfe, 0x00];

        Assert.That(() => ReferencedContentReader.CheckPinned("f", bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))), Throws.InvalidOperationException.With.Message.Contains("not UTF-8"));
    }
}
