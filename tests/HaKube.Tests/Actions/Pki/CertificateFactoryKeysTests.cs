using System.Security.Cryptography.X509Certificates;
using HaKube.Actions.Pki;

namespace HaKube.Tests.Actions.Pki;

/// <summary>Where a factory's keys come from: made fresh for real material, taken from the shared pool for previews.</summary>
public sealed class CertificateFactoryKeysTests
{
    [Test]
    public void CreateServiceAccountKeyPair_PreviewFactories_TakeTheSameKeysInTheSameOrder()
    {
        var first = TestPki.Factory(PkiOptions.Preview);
        var second = TestPki.Factory(PkiOptions.Preview);

        var fromFirst = Enumerable.Range(0, 3).Select(_ => first.CreateServiceAccountKeyPair().PublicKeyPem).ToList();
        var fromSecond = Enumerable.Range(0, 3).Select(_ => second.CreateServiceAccountKeyPair().PublicKeyPem).ToList();

        Assert.That(fromFirst, Is.Unique, "one cluster's preview keys all differ");
        Assert.That(fromSecond, Is.EqualTo(fromFirst), "another cluster's preview takes the same keys, made once");
    }

    [Test]
    public void CreateAuthority_PreviewFactory_LeafAndAuthorityKeysDiffer()
    {
        var factory = TestPki.Factory(PkiOptions.Preview);

        var authority = factory.CreateAuthority(KubeadmProfiles.ClusterCa);
        var leaf = factory.Issue(authority, KubeadmProfiles.ApiServerEtcdClient);

        using var caCertificate = X509Certificate2.CreateFromPem(authority.CertificatePem);
        using var leafCertificate = X509Certificate2.CreateFromPem(leaf.CertificatePem);
        Assert.That(leafCertificate.PublicKey.EncodedKeyValue.RawData, Is.Not.EqualTo(caCertificate.PublicKey.EncodedKeyValue.RawData));
        Assert.That(caCertificate.PublicKey.GetRSAPublicKey()!.KeySize, Is.EqualTo(PkiOptions.Preview.RsaKeySize));
    }

    [Test]
    public void CreateServiceAccountKeyPair_KubeadmFactories_NeverShareAKey()
    {
        var first = TestPki.Factory().CreateServiceAccountKeyPair();
        var second = TestPki.Factory().CreateServiceAccountKeyPair();

        Assert.That(second.PublicKeyPem, Is.Not.EqualTo(first.PublicKeyPem));
    }
}
