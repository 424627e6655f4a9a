using System.Security.Cryptography.X509Certificates;
using HaKube.Actions.Pki;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Pki;

/// <summary>The three CAs are kubeadm's, checked with the openssl CLI.</summary>
public sealed class CertificateAuthorityGenerationTests
{
    private static readonly object[] Authorities =
    [
        new object[] { "ca", "kubernetes" },
        new object[] { "front-proxy-ca", "front-proxy-ca" },
        new object[] { "etcd-ca", "etcd-ca" },
    ];

    private Openssl _openssl = null!;

    [SetUp]
    public void SetUp() => _openssl = new Openssl();

    [TearDown]
    public void TearDown() => _openssl.Dispose();

    [TestCaseSource(nameof(Authorities))]
    public async Task CreateAuthorities_EachCa_HasKubeadmSubjectAndCnAsDnsSan(string name, string commonName)
    {
        var file = _openssl.Write($"{name}.crt", Pair(name).CertificatePem);

        var output = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-subject", "-issuer", "-ext", "subjectAltName");

        Assert.That(output, Is.EqualTo(
            $"subject=CN = {commonName}\n" +
            $"issuer=CN = {commonName}\n" +
            "X509v3 Subject Alternative Name: \n" +
            $"    DNS:{commonName}\n"));
    }

    [TestCaseSource(nameof(Authorities))]
    public async Task CreateAuthorities_EachCa_IsCriticalCaWithCertSignUsageAndKeyIdentifier(string name, string commonName)
    {
        var file = _openssl.Write($"{name}.crt", Pair(name).CertificatePem);

        var text = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-text");

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("X509v3 Basic Constraints: critical\n                CA:TRUE\n"));
            Assert.That(text, Does.Contain("X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment, Certificate Sign\n"));
            Assert.That(text, Does.Contain("X509v3 Subject Key Identifier:"));
            Assert.That(text, Does.Not.Contain("Extended Key Usage"), "kubeadm's CAs have no extended key usage");
            Assert.That(text, Does.Not.Contain("Authority Key Identifier"), "Go writes none on a self-signed certificate");
            Assert.That(text, Does.Contain("Signature Algorithm: sha256WithRSAEncryption"));
            Assert.That(text, Does.Contain("Public-Key: (2048 bit)"));
            Assert.That(text, Does.Contain($"Subject: CN = {commonName}"));
        });
    }

    [TestCaseSource(nameof(Authorities))]
    public async Task CreateAuthorities_EachCa_VerifiesAsSelfSignedRoot(string name, string commonName)
    {
        var file = _openssl.Write($"{name}.crt", Pair(name).CertificatePem);

        var output = await _openssl.OutputAsync("verify", "-attime", TestPki.Epoch(TestPki.Now), "-CAfile", file, file);

        Assert.That(output, Is.EqualTo($"{file}: OK\n"), commonName);
    }

    [TestCaseSource(nameof(Authorities))]
    public async Task CreateAuthorities_EachCa_IsValidTenYearsFromNowBackdatedFiveMinutes(string name, string commonName)
    {
        var pair = Pair(name);
        var file = _openssl.Write($"{name}.crt", pair.CertificatePem);

        var output = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601");

        var notAfter = TestPki.Now.AddHours(87600);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo(
                $"notBefore={TestPki.Iso(TestPki.Now.AddMinutes(-5))}\n" +
                $"notAfter={TestPki.Iso(notAfter)}\n"), commonName);
            Assert.That(pair.NotAfter, Is.EqualTo(notAfter));
        });
    }

    [TestCaseSource(nameof(Authorities))]
    public async Task CreateAuthorities_EachCaKey_IsPkcs1RsaThatPassesCheckAndMatchesCertificate(string name, string commonName)
    {
        var pair = Pair(name);
        var certificate = _openssl.Write($"{name}.crt", pair.CertificatePem);
        var key = _openssl.Write($"{name}.key", pair.KeyPem);

        var check = await _openssl.OutputAsync("rsa", "-in", key, "-check", "-noout");
        var keyModulus = await _openssl.OutputAsync("rsa", "-in", key, "-noout", "-modulus");
        var certificateModulus = await _openssl.OutputAsync("x509", "-in", certificate, "-noout", "-modulus");

        Assert.Multiple(() =>
        {
            Assert.That(pair.KeyPem, Does.StartWith("-----BEGIN RSA PRIVATE KEY-----\n").And.EndWith("-----END RSA PRIVATE KEY-----\n"));
            Assert.That(pair.CertificatePem, Does.StartWith("-----BEGIN CERTIFICATE-----\n").And.EndWith("-----END CERTIFICATE-----\n"));
            Assert.That(check, Is.EqualTo("RSA key ok\n"), commonName);
            Assert.That(keyModulus, Is.EqualTo(certificateModulus));
        });
    }

    [Test]
    public void CreateAuthorities_Serials_ArePositiveAndDistinct()
    {
        var authorities = TestPki.Authorities;
        var serials = new[] { authorities.ClusterCa, authorities.FrontProxyCa, authorities.EtcdCa }
            .Select(p =>
            {
                using var certificate = X509Certificate2.CreateFromPem(p.CertificatePem);
                return certificate.SerialNumberBytes.ToArray();
            })
            .ToList();

        Assert.Multiple(() =>
        {
            // SerialNumberBytes is big-endian: a clear top bit of the first byte means positive.
            Assert.That(serials.Select(s => s[0] & 0x80), Is.All.Zero);
            Assert.That(serials.Select(s => s.Any(b => b != 0)), Is.All.True);
            Assert.That(serials.Select(Convert.ToHexString), Is.Unique);
        });
    }

    [Test]
    public void CreateAuthorities_Keys_AreDistinct()
    {
        var authorities = TestPki.Authorities;

        Assert.That(
            new[] { authorities.ClusterCa.KeyPem, authorities.FrontProxyCa.KeyPem, authorities.EtcdCa.KeyPem, authorities.ServiceAccount.PrivateKeyPem },
            Is.Unique);
    }

    [Test]
    public async Task CreateAuthorities_ServiceAccountKey_IsPkcs1RsaPrivateKeyThatPassesCheck()
    {
        var serviceAccount = TestPki.Authorities.ServiceAccount;
        var key = _openssl.Write("sa.key", serviceAccount.PrivateKeyPem);

        var check = await _openssl.OutputAsync("rsa", "-in", key, "-check", "-noout");
        var text = await _openssl.OutputAsync("rsa", "-in", key, "-noout", "-text");

        Assert.Multiple(() =>
        {
            Assert.That(serviceAccount.PrivateKeyPem, Does.StartWith("-----BEGIN RSA PRIVATE KEY-----\n"));
            Assert.That(check, Is.EqualTo("RSA key ok\n"));
            Assert.That(text, Does.StartWith("Private-Key: (2048 bit, 2 primes)"));
        });
    }

    [Test]
    public async Task CreateAuthorities_ServiceAccountPublicKey_IsThePublicHalfOfSaKeyAsPublicKeyPem()
    {
        var serviceAccount = TestPki.Authorities.ServiceAccount;
        var key = _openssl.Write("sa.key", serviceAccount.PrivateKeyPem);

        var derived = await _openssl.OutputAsync("rsa", "-in", key, "-pubout");

        Assert.Multiple(() =>
        {
            Assert.That(serviceAccount.PublicKeyPem, Does.StartWith("-----BEGIN PUBLIC KEY-----\n").And.EndWith("-----END PUBLIC KEY-----\n"));
            Assert.That(serviceAccount.PublicKeyPem, Is.EqualTo(derived));
        });
    }

    [Test]
    public async Task CreateAuthority_ShortCaValidity_EndsAfterThatValidity()
    {
        var factory = TestPki.Factory(PkiOptions.Kubeadm with { CaValidity = TimeSpan.FromHours(2) });
        var pair = factory.CreateAuthority(KubeadmProfiles.ClusterCa);
        var file = _openssl.Write("ca.crt", pair.CertificatePem);

        var output = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-enddate", "-dateopt", "iso_8601");

        Assert.That(output, Is.EqualTo($"notAfter={TestPki.Iso(TestPki.Now.AddHours(2))}\n"));
    }

    [Test]
    public void CreateAuthority_LeafProfile_Throws()
    {
        var factory = TestPki.Factory();

        Assert.That(() => factory.CreateAuthority(KubeadmProfiles.ApiServerEtcdClient), Throws.ArgumentException);
    }

    private static CertificateKeyPair Pair(string name) => name switch
    {
        "ca" => TestPki.Authorities.ClusterCa,
        "front-proxy-ca" => TestPki.Authorities.FrontProxyCa,
        "etcd-ca" => TestPki.Authorities.EtcdCa,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
