using System.Net;
using HaKube.Actions.Pki;

namespace HaKube.Tests.Actions.Pki;

public sealed class KubeadmProfilesTests
{
    [Test]
    public void EtcdServer_IpAdvertiseAddress_ListsKubeadmDefaultSansInOrder()
    {
        var profile = KubeadmProfiles.EtcdServer("etcd1", "10.0.0.11");

        Assert.Multiple(() =>
        {
            Assert.That(profile.CommonName, Is.EqualTo("etcd1"));
            Assert.That(profile.Organizations, Is.Empty);
            Assert.That(profile.DnsNames, Is.EqualTo(new[] { "etcd1", "localhost" }));
            Assert.That(profile.IpAddresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.11"), IPAddress.Loopback, IPAddress.IPv6Loopback }));
            Assert.That(profile.Purposes, Is.EqualTo(new[] { KeyPurpose.ServerAuth, KeyPurpose.ClientAuth }));
            Assert.That(profile.IsAuthority, Is.False);
        });
    }

    [Test]
    public void EtcdPeer_DnsAdvertiseAddressAndExtraSans_SortsNamesAndDropsDuplicates()
    {
        var profile = KubeadmProfiles.EtcdPeer("etcd1", "etcd1.demo.internal", ["127.0.0.1", "10.0.0.11", "ETCD1", "etcd.demo.internal"]);

        Assert.Multiple(() =>
        {
            Assert.That(profile.DnsNames, Is.EqualTo(new[] { "etcd1", "localhost", "etcd1.demo.internal", "etcd.demo.internal" }));
            Assert.That(profile.IpAddresses, Is.EqualTo(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.11") }));
        });
    }

    [Test]
    public void EtcdServer_EmptyNodeName_Throws()
    {
        Assert.That(() => KubeadmProfiles.EtcdServer(" ", "10.0.0.11"), Throws.ArgumentException);
    }

    [Test]
    public void ClientProfiles_AreSystemMastersClientsWithoutSans()
    {
        foreach (var profile in new[] { KubeadmProfiles.EtcdHealthcheckClient, KubeadmProfiles.ApiServerEtcdClient })
        {
            Assert.Multiple(() =>
            {
                Assert.That(profile.Organizations, Is.EqualTo(new[] { "system:masters" }));
                Assert.That(profile.Purposes, Is.EqualTo(new[] { KeyPurpose.ClientAuth }));
                Assert.That(profile.DnsNames, Is.Empty);
                Assert.That(profile.IpAddresses, Is.Empty);
            });
        }
    }

    [Test]
    public void AuthorityProfiles_HaveKubeadmNamesAsCnAndDnsSan()
    {
        var profiles = new[] { KubeadmProfiles.ClusterCa, KubeadmProfiles.FrontProxyCa, KubeadmProfiles.EtcdCa };

        Assert.Multiple(() =>
        {
            Assert.That(profiles.Select(p => p.CommonName), Is.EqualTo(new[] { "kubernetes", "front-proxy-ca", "etcd-ca" }));
            Assert.That(profiles.Select(p => p.DnsNames.Single()), Is.EqualTo(profiles.Select(p => p.CommonName)));
            Assert.That(profiles.Select(p => p.IsAuthority), Is.All.True);
            Assert.That(profiles.SelectMany(p => p.Purposes), Is.Empty);
        });
    }
}
