using HaKube.Actions.Pki;
using HaKube.Model.Api;

namespace HaKube.Tests.Actions.Pki;

/// <summary>No record that carries a key shows it in ToString, so no log line can leak one.</summary>
public sealed class RedactionTests
{
    private static readonly Lazy<ExternalEtcdCertificates> ExternalEtcd = new(() =>
        new ClusterPkiIssuer(TestPki.Factory()).IssueExternalEtcd(
            TestPki.Cluster(EtcdTopology.External) with { Etcd = new EtcdSpec { Topology = EtcdTopology.External, Hosts = ["etcd1"] } },
            TestPki.Authorities.EtcdCa));

    private static IEnumerable<TestCaseData> KeyBearingRecords()
    {
        var authorities = TestPki.Authorities;
        yield return new TestCaseData(authorities.ClusterCa, authorities.ClusterCa.KeyPem).SetArgDisplayNames(nameof(CertificateKeyPair));
        yield return new TestCaseData(authorities.ServiceAccount, authorities.ServiceAccount.PrivateKeyPem).SetArgDisplayNames(nameof(ServiceAccountKeyPair));
        yield return new TestCaseData(authorities, authorities.EtcdCa.KeyPem).SetArgDisplayNames(nameof(ClusterAuthorities));
        var member = ExternalEtcd.Value.Members["etcd1"];
        yield return new TestCaseData(member, member.Peer.KeyPem).SetArgDisplayNames(nameof(EtcdMemberCertificates));
        yield return new TestCaseData(ExternalEtcd.Value, ExternalEtcd.Value.ApiServerEtcdClient.KeyPem).SetArgDisplayNames(nameof(ExternalEtcdCertificates));
        yield return new TestCaseData(PkiFile.Key(PkiPaths.ClusterCaKey, authorities.ClusterCa.KeyPem), authorities.ClusterCa.KeyPem).SetArgDisplayNames(nameof(PkiFile));
    }

    [TestCaseSource(nameof(KeyBearingRecords))]
    public void ToString_KeyBearingRecord_ContainsNoKeyMaterial(object record, string keyPem)
    {
        var text = record.ToString();
        var keyBody = keyPem.Split('\n')[1];

        Assert.That(text, Does.Not.Contain("PRIVATE KEY").And.Not.Contain(keyBody).And.Contain("<redacted>"));
    }

    [Test]
    public void ToString_CertificateKeyPair_ShowsNotAfter()
    {
        Assert.That(TestPki.Authorities.ClusterCa.ToString(), Does.StartWith("CertificateKeyPair { NotAfter = 2041-03-01T05:06:07.0000000+00:00,"));
    }

    [Test]
    public void ToString_CertificateFile_ShowsPathAndModeButNotContent()
    {
        var file = PkiFile.Certificate(PkiPaths.ClusterCaCertificate, TestPki.Authorities.ClusterCa.CertificatePem);

        Assert.That(file.ToString(), Does.StartWith("PkiFile { RemotePath = /etc/kubernetes/pki/ca.crt, Mode = 0644, Content = ").And.Not.Contain("BEGIN"));
    }
}
