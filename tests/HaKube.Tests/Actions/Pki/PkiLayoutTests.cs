using HaKube.Actions.Pki;
using HaKube.Model.Api;

namespace HaKube.Tests.Actions.Pki;

/// <summary>The layout is pure, so these tests use labelled stand-in texts instead of real keys.</summary>
public sealed class PkiLayoutTests
{
    private static readonly DateTimeOffset NotAfter = new(2032, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly ClusterAuthorities Authorities = new(
        Pair("cluster-ca"), Pair("front-proxy-ca"), Pair("etcd-ca"), new ServiceAccountKeyPair("sa-key", "sa-pub"));

    private static readonly ExternalEtcdCertificates ExternalEtcd = new(
        Pair("apiserver-etcd-client"),
        new Dictionary<string, EtcdMemberCertificates>
        {
            ["etcd1"] = new(Pair("etcd1-server"), Pair("etcd1-peer"), Pair("etcd1-healthcheck")),
            ["etcd2"] = new(Pair("etcd2-server"), Pair("etcd2-peer"), Pair("etcd2-healthcheck")),
            ["etcd3"] = new(Pair("etcd3-server"), Pair("etcd3-peer"), Pair("etcd3-healthcheck")),
        });

    [Test]
    public void FilesFor_StackedControlPlane_IsKubeadmsSharedSetWithEtcdCaKey()
    {
        var spec = TestPki.Cluster(EtcdTopology.Stacked);

        var files = PkiLayout.FilesFor(spec, spec.Hosts[1], Authorities);

        Assert.That(files.Select(Describe), Is.EqualTo(new[]
        {
            "/etc/kubernetes/pki/ca.crt 0644 cluster-ca-crt",
            "/etc/kubernetes/pki/ca.key 0600 cluster-ca-key",
            "/etc/kubernetes/pki/sa.key 0600 sa-key",
            "/etc/kubernetes/pki/sa.pub 0600 sa-pub",
            "/etc/kubernetes/pki/front-proxy-ca.crt 0644 front-proxy-ca-crt",
            "/etc/kubernetes/pki/front-proxy-ca.key 0600 front-proxy-ca-key",
            "/etc/kubernetes/pki/etcd/ca.crt 0644 etcd-ca-crt",
            "/etc/kubernetes/pki/etcd/ca.key 0600 etcd-ca-key",
        }));
    }

    [Test]
    public void FilesFor_ExternalControlPlane_HasApiServerEtcdClientAndNoEtcdCaKey()
    {
        var spec = TestPki.Cluster(EtcdTopology.External);

        var files = PkiLayout.FilesFor(spec, spec.Hosts[0], Authorities, ExternalEtcd);

        Assert.That(files.Select(Describe), Is.EqualTo(new[]
        {
            "/etc/kubernetes/pki/ca.crt 0644 cluster-ca-crt",
            "/etc/kubernetes/pki/ca.key 0600 cluster-ca-key",
            "/etc/kubernetes/pki/sa.key 0600 sa-key",
            "/etc/kubernetes/pki/sa.pub 0600 sa-pub",
            "/etc/kubernetes/pki/front-proxy-ca.crt 0644 front-proxy-ca-crt",
            "/etc/kubernetes/pki/front-proxy-ca.key 0600 front-proxy-ca-key",
            "/etc/kubernetes/pki/etcd/ca.crt 0644 etcd-ca-crt",
            "/etc/kubernetes/pki/apiserver-etcd-client.crt 0644 apiserver-etcd-client-crt",
            "/etc/kubernetes/pki/apiserver-etcd-client.key 0600 apiserver-etcd-client-key",
        }));
    }

    [Test]
    public void FilesFor_ExternalEtcdHost_IsEtcdCaCertificateAndItsOwnCertificates()
    {
        var spec = TestPki.Cluster(EtcdTopology.External);
        var etcd2 = spec.Hosts.Single(h => h.Name == "etcd2");

        var files = PkiLayout.FilesFor(spec, etcd2, Authorities, ExternalEtcd);

        Assert.That(files.Select(Describe), Is.EqualTo(new[]
        {
            "/etc/kubernetes/pki/etcd/ca.crt 0644 etcd-ca-crt",
            "/etc/kubernetes/pki/etcd/server.crt 0644 etcd2-server-crt",
            "/etc/kubernetes/pki/etcd/server.key 0600 etcd2-server-key",
            "/etc/kubernetes/pki/etcd/peer.crt 0644 etcd2-peer-crt",
            "/etc/kubernetes/pki/etcd/peer.key 0600 etcd2-peer-key",
            "/etc/kubernetes/pki/etcd/healthcheck-client.crt 0644 etcd2-healthcheck-crt",
            "/etc/kubernetes/pki/etcd/healthcheck-client.key 0600 etcd2-healthcheck-key",
        }));
    }

    [TestCase(EtcdTopology.Stacked, "w1")]
    [TestCase(EtcdTopology.Stacked, "lb1")]
    [TestCase(EtcdTopology.External, "w1")]
    [TestCase(EtcdTopology.External, "lb1")]
    public void FilesFor_WorkerOrLoadBalancer_IsEmpty(EtcdTopology topology, string host)
    {
        var spec = TestPki.Cluster(topology);

        var files = PkiLayout.FilesFor(spec, spec.Hosts.Single(h => h.Name == host), Authorities, ExternalEtcd);

        Assert.That(files, Is.Empty);
    }

    [Test]
    public void FilesFor_NoFile_HoldsAnyCaKeyOnAnExternalEtcdHost()
    {
        var spec = TestPki.Cluster(EtcdTopology.External);

        var paths = spec.HostsWithRole(HostRole.Etcd).SelectMany(h => PkiLayout.FilesFor(spec, h, Authorities, ExternalEtcd)).Select(f => f.RemotePath);

        Assert.That(paths, Has.None.EndWith("ca.key"));
    }

    [Test]
    public void FilesFor_ControlPlaneThatIsAlsoExternalEtcdMember_HasBothSetsAndEtcdCaOnce()
    {
        var spec = TestPki.Cluster(EtcdTopology.External) with
        {
            Hosts = [TestPki.Host("etcd1", "10.0.0.11", HostRole.ControlPlane, HostRole.Etcd)],
            Etcd = new EtcdSpec { Topology = EtcdTopology.External, Hosts = ["etcd1"] },
        };

        var paths = PkiLayout.FilesFor(spec, spec.Hosts[0], Authorities, ExternalEtcd).Select(f => f.RemotePath).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(paths, Is.Unique);
            Assert.That(paths, Has.Count.EqualTo(9 + 7 - 1));
            Assert.That(paths, Does.Contain(PkiPaths.ApiServerEtcdClientKey).And.Contain(PkiPaths.EtcdServerKey));
        });
    }

    [Test]
    public void FilesFor_ExternalControlPlaneWithoutEtcdCertificates_Throws()
    {
        var spec = TestPki.Cluster(EtcdTopology.External);

        Assert.That(() => PkiLayout.FilesFor(spec, spec.Hosts[0], Authorities), Throws.ArgumentException.With.Message.Contains("cp1"));
    }

    [Test]
    public void FilesFor_EtcdHostWithoutIssuedCertificates_ThrowsNamingTheHost()
    {
        var spec = TestPki.Cluster(EtcdTopology.External);
        var partial = ExternalEtcd with { Members = new Dictionary<string, EtcdMemberCertificates>() };

        Assert.That(() => PkiLayout.FilesFor(spec, spec.Hosts.Single(h => h.Name == "etcd3"), Authorities, partial),
            Throws.ArgumentException.With.Message.Contains("etcd3"));
    }

    [Test]
    public void FilesFor_StackedControlPlane_IgnoresExternalEtcdCertificates()
    {
        var spec = TestPki.Cluster(EtcdTopology.Stacked);

        var with = PkiLayout.FilesFor(spec, spec.Hosts[0], Authorities, ExternalEtcd);
        var without = PkiLayout.FilesFor(spec, spec.Hosts[0], Authorities);

        Assert.That(with, Is.EqualTo(without));
    }

    [Test]
    public void PkiFile_Modes_AreKubeadms()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PkiFile.Key("/k", "").Mode, Is.EqualTo((UnixFileMode)Convert.ToInt32("600", 8)));
            Assert.That(PkiFile.Certificate("/c", "").Mode, Is.EqualTo((UnixFileMode)Convert.ToInt32("644", 8)));
            Assert.That(PkiFile.Key("/k", "").IsSecret, Is.True);
            Assert.That(PkiFile.Certificate("/c", "").IsSecret, Is.False);
        });
    }

    private static CertificateKeyPair Pair(string name) => new($"{name}-crt", $"{name}-key", NotAfter);

    private static string Describe(PkiFile file) => $"{file.RemotePath} {file.OctalMode} {file.Content}";
}
