using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;

namespace HaKube.Tests.Actions.Rendering;

[TestFixture]
public sealed class EtcdUnitRendererTests
{
    private static HostSpec Etcd1 => KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec.Hosts.Single(h => h.Name == "etcd1");

    [Test]
    public void Render_Member_ListensOnItsOwnAddressWithTlsAndClientCertificates()
    {
        var unit = Render();

        Assert.Multiple(() =>
        {
            Assert.That(unit, Does.Contain("ExecStart=/usr/bin/etcd"));
            Assert.That(unit, Does.Contain("--name=etcd1"));
            Assert.That(unit, Does.Contain("--data-dir=/var/lib/etcd"));
            Assert.That(unit, Does.Contain("--listen-client-urls=https://10.0.0.11:2379"));
            Assert.That(unit, Does.Contain("--advertise-client-urls=https://10.0.0.11:2379"));
            Assert.That(unit, Does.Contain("--listen-peer-urls=https://10.0.0.11:2380"));
            Assert.That(unit, Does.Contain("--initial-advertise-peer-urls=https://10.0.0.11:2380"));
            Assert.That(unit, Does.Contain("--cert-file=/etc/kubernetes/pki/etcd/server.crt"));
            Assert.That(unit, Does.Contain("--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt"));
            Assert.That(unit, Does.Contain("--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"));
            Assert.That(unit, Does.Contain("--client-cert-auth=true"));
            Assert.That(unit, Does.Contain("--peer-client-cert-auth=true"));
            Assert.That(unit, Does.Contain("EnvironmentFile=-" + EtcdUnitRenderer.InitialEnvironmentPath));
            Assert.That(unit, Does.Not.Contain("127.0.0.1"));
            Assert.That(unit, Does.Not.Contain("--initial-cluster"), "the initial cluster lives in the environment file, so the unit never changes");
        });
    }

    [Test]
    public void Render_Twice_IsIdentical()
    {
        var first = Render();
        var second = Render();

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void RenderInitialEnvironment_AddedMember_NamesEveryMemberAndStateExisting()
    {
        var text = EtcdUnitRenderer.RenderInitialEnvironment("demo", [new("etcd1", "https://10.0.0.11:2380"), new("etcd2", "https://10.0.0.12:2380")], existing: true);

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("ETCD_INITIAL_CLUSTER=etcd1=https://10.0.0.11:2380,etcd2=https://10.0.0.12:2380\n"));
            Assert.That(text, Does.Contain("ETCD_INITIAL_CLUSTER_STATE=existing\n"));
            Assert.That(text, Does.Contain("ETCD_INITIAL_CLUSTER_TOKEN=demo\n"));
        });
    }

    private static string Render() => EtcdUnitRenderer.Render(Etcd1);
}
