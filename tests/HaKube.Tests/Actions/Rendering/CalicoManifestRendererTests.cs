using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;

namespace HaKube.Tests.Actions.Rendering;

[TestFixture]
public sealed class CalicoManifestRendererTests
{
    [Test]
    public void Render_Calico_UsesTheSpecsPodSubnetAsTheOnlyPool()
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec with { Networking = new NetworkingSpec { PodSubnet = "10.244.0.0/16" } };

        var manifest = CalicoManifestRenderer.Render(spec);

        Assert.Multiple(() =>
        {
            Assert.That(manifest, Does.Contain("kind: Installation"));
            Assert.That(manifest, Does.Contain("cidr: \"10.244.0.0/16\""));
            Assert.That(manifest, Does.Not.Contain("192.168.0.0/16"));
        });
    }

    [Test]
    public void Render_CniNone_IsNull()
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec with { Networking = new NetworkingSpec { Cni = CniPlugin.None } };

        Assert.That(CalicoManifestRenderer.Render(spec), Is.Null);
    }
}
