using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Tests.Actions.Pki;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Actions.Probe;

public sealed class CertificatesTests
{
    [Test]
    public void NotAfter_CertificateRenewedAtTheSamePath_ReportsTheNewExpiryEachPass()
    {
        var current = TestPki.Authorities.ClusterCa;
        var older = new ClusterPkiIssuer(new CertificateFactory(new FakeTimeProvider(TestPki.Now.AddDays(-400)))).CreateAuthorities().ClusterCa;

        var first = Certificates.NotAfter(Lines("/etc/kubernetes/pki/ca.crt", older.CertificatePem));
        var renewed = Certificates.NotAfter(Lines("/etc/kubernetes/pki/ca.crt", current.CertificatePem));
        var again = Certificates.NotAfter(Lines("/etc/kubernetes/pki/ca.crt", older.CertificatePem));

        Assert.Multiple(() =>
        {
            Assert.That(first["/etc/kubernetes/pki/ca.crt"], Is.EqualTo(older.NotAfter).Within(TimeSpan.FromSeconds(1)));
            Assert.That(renewed["/etc/kubernetes/pki/ca.crt"], Is.EqualTo(current.NotAfter).Within(TimeSpan.FromSeconds(1)));
            Assert.That(again, Is.EqualTo(first), "a known certificate reads the same from the cache");
            Assert.That(older.NotAfter, Is.Not.EqualTo(current.NotAfter));
        });
    }

    [Test]
    public void NotAfter_NotACertificate_NoExpiry()
    {
        var broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";

        Assert.That(Certificates.NotAfter([.. Lines("/a.crt", broken), .. Lines("/b.crt", broken)]), Is.Empty);
    }

    private static IEnumerable<string> Lines(string path, string pem) => pem.Split('\n').Select(line => $"{path}:{line}");
}
