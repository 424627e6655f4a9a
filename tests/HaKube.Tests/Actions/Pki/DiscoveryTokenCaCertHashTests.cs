using System.Security.Cryptography.X509Certificates;
using HaKube.Actions.Pki;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Pki;

public sealed class DiscoveryTokenCaCertHashTests
{
    [Test]
    public async Task Compute_ClusterCa_EqualsTheDocumentedOpensslPipeline()
    {
        using var openssl = new Openssl();
        openssl.Write("ca.crt", TestPki.Authorities.ClusterCa.CertificatePem);

        var result = await openssl.ShellAsync("openssl x509 -pubkey -in ca.crt | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -hex");

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        var hex = result.StandardOutput.Trim().Split(' ').Last();
        Assert.That(DiscoveryTokenCaCertHash.Compute(TestPki.Authorities.ClusterCa.CertificatePem), Is.EqualTo("sha256:" + hex));
    }

    [Test]
    public void Compute_AnyCa_IsSha256PrefixAndLowerCaseHex()
    {
        var hash = DiscoveryTokenCaCertHash.Compute(TestPki.Authorities.ClusterCa.CertificatePem);

        Assert.That(hash, Does.Match("^sha256:[0-9a-f]{64}$"));
    }

    [Test]
    public void Compute_PemAndLoadedCertificate_Agree()
    {
        using var certificate = X509Certificate2.CreateFromPem(TestPki.Authorities.FrontProxyCa.CertificatePem);

        Assert.That(
            DiscoveryTokenCaCertHash.Compute(certificate),
            Is.EqualTo(DiscoveryTokenCaCertHash.Compute(TestPki.Authorities.FrontProxyCa.CertificatePem)));
    }

    [Test]
    public void Compute_DifferentCas_Differ()
    {
        Assert.That(
            DiscoveryTokenCaCertHash.Compute(TestPki.Authorities.ClusterCa.CertificatePem),
            Is.Not.EqualTo(DiscoveryTokenCaCertHash.Compute(TestPki.Authorities.EtcdCa.CertificatePem)));
    }
}
