using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaKube.Actions.Pki;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Pki;

public sealed class PemCodecTests
{
    private Openssl _openssl = null!;

    [SetUp]
    public void SetUp() => _openssl = new Openssl();

    [TearDown]
    public void TearDown() => _openssl.Dispose();

    [Test]
    public void DecodeRsaPrivateKey_Pkcs1_RoundTripsToTheSameText()
    {
        var pem = TestPki.Authorities.ClusterCa.KeyPem;

        using var key = PemCodec.DecodeRsaPrivateKey(pem);

        Assert.That(PemCodec.EncodeRsaPrivateKey(key), Is.EqualTo(pem));
    }

    [Test]
    public async Task DecodeRsaPrivateKey_Pkcs8FromOpenssl_IsAcceptedAndReencodedAsPkcs1()
    {
        var path = _openssl.Write("k.pem", "");
        await _openssl.OutputAsync("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path);
        var pkcs8 = await File.ReadAllTextAsync(path);

        using var key = PemCodec.DecodeRsaPrivateKey(pkcs8);
        var pkcs1 = _openssl.Write("k1.pem", PemCodec.EncodeRsaPrivateKey(key));
        var original = await _openssl.OutputAsync("rsa", "-in", path, "-noout", "-modulus");
        var reencoded = await _openssl.OutputAsync("rsa", "-in", pkcs1, "-noout", "-modulus");

        Assert.Multiple(() =>
        {
            Assert.That(pkcs8, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
            Assert.That(reencoded, Is.EqualTo(original));
        });
    }

    [Test]
    public void DecodeRsaPrivateKey_PublicKey_ThrowsWithoutQuotingTheInput()
    {
        var pem = TestPki.Authorities.ServiceAccount.PublicKeyPem;

        Assert.That(() => PemCodec.DecodeRsaPrivateKey(pem),
            Throws.InstanceOf<FormatException>().With.Message.Contains("\"PUBLIC KEY\"").And.Message.Not.Contains(pem.Split('\n')[1]));
    }

    [Test]
    public void DecodeRsaPrivateKey_NotPem_Throws()
    {
        Assert.That(() => PemCodec.DecodeRsaPrivateKey("hello"), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void DecodeCertificate_KeyFirstThenCertificate_FindsTheCertificate()
    {
        var pair = TestPki.Authorities.EtcdCa;

        using var certificate = PemCodec.DecodeCertificate(pair.KeyPem + pair.CertificatePem);

        Assert.That(certificate.Subject, Is.EqualTo("CN=etcd-ca"));
    }

    [Test]
    public void DecodeRsaPublicKey_SaPub_MatchesSaKey()
    {
        var serviceAccount = TestPki.Authorities.ServiceAccount;

        using var publicKey = PemCodec.DecodeRsaPublicKey(serviceAccount.PublicKeyPem);
        using var privateKey = PemCodec.DecodeRsaPrivateKey(serviceAccount.PrivateKeyPem);

        Assert.That(publicKey.ExportParameters(false).Modulus, Is.EqualTo(privateKey.ExportParameters(false).Modulus));
    }

    [Test]
    public void EncodedTexts_EndWithOneNewline()
    {
        var authorities = TestPki.Authorities;

        Assert.That(
            new[] { authorities.ClusterCa.CertificatePem, authorities.ClusterCa.KeyPem, authorities.ServiceAccount.PublicKeyPem, authorities.ServiceAccount.PrivateKeyPem },
            Has.All.EndWith("-----\n").And.All.Not.EndWith("\n\n"));
    }

    [Test]
    public void Load_StoredCaPair_SignsWithTheSameKey()
    {
        var pair = TestPki.Authorities.ClusterCa;

        using var authority = CertificateAuthority.Load(pair);
        using var key = PemCodec.DecodeRsaPrivateKey(pair.KeyPem);
        using var loaded = authority.Certificate.GetRSAPrivateKey();

        Assert.Multiple(() =>
        {
            Assert.That(authority.Certificate.HasPrivateKey, Is.True);
            Assert.That(loaded!.ExportParameters(false).Modulus, Is.EqualTo(key.ExportParameters(false).Modulus));
        });
    }

    [Test]
    public void Load_KeyOfAnotherCa_ThrowsWithoutQuotingTheKey()
    {
        var mismatched = TestPki.Authorities.ClusterCa with { KeyPem = TestPki.Authorities.EtcdCa.KeyPem };

        Assert.That(() => CertificateAuthority.Load(mismatched),
            Throws.ArgumentException.With.Message.Contains("does not match").And.Message.Not.Contains("PRIVATE KEY"));
    }

    [Test]
    public void Load_LeafCertificate_ThrowsNotACertificateAuthority()
    {
        var leaf = TestPki.Factory().Issue(TestPki.Authorities.EtcdCa, KubeadmProfiles.ApiServerEtcdClient);

        Assert.That(() => CertificateAuthority.Load(leaf), Throws.ArgumentException.With.Message.Contains("not a certificate authority"));
    }

    [Test]
    public async Task Issue_CaMadeByOpensslWithPkcs8Key_LeafVerifiesWithOpenssl()
    {
        // A CA HaKube did not make (e.g. adopted from an existing kubeadm cluster) can sign too.
        await _openssl.OutputAsync(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-subj", "/CN=kubernetes", "-days", "3650", "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign");
        var adopted = new CertificateKeyPair(
            await File.ReadAllTextAsync(Path.Combine(_openssl.Directory, "ca.crt")),
            await File.ReadAllTextAsync(Path.Combine(_openssl.Directory, "ca.key")),
            DateTimeOffset.MaxValue);

        // openssl stamps the CA with the real time, so this test issues at the real time too.
        var leaf = new CertificateFactory(TimeProvider.System).Issue(adopted, KubeadmProfiles.ApiServerEtcdClient);
        _openssl.Write("leaf.crt", leaf.CertificatePem);
        var verify = await _openssl.OutputAsync("verify", "-purpose", "sslclient", "-CAfile", "ca.crt", "leaf.crt");

        Assert.That(verify, Is.EqualTo("leaf.crt: OK\n"));
    }

    [Test]
    public void DecodeRsaPrivateKey_EcKey_Throws()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.That(() => PemCodec.DecodeRsaPrivateKey(ec.ExportECPrivateKeyPem()), Throws.InstanceOf<FormatException>());
    }
}
