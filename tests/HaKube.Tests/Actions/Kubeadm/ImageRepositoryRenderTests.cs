using HaKube.Actions.Kubeadm;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm.Schema;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>spec.images.repository reaches kubeadm as ClusterConfiguration.imageRepository (v1beta3 and v1beta4), and only when set.</summary>
public sealed class ImageRepositoryRenderTests
{
    private const string Repository = "registry.example.internal:5000/k8s";

    private static HaCluster WithRepository(EtcdTopology topology, string version)
    {
        var cluster = KubeadmTestClusters.Demo(topology, version);
        return cluster with { Spec = cluster.Spec with { Images = new ImagesSpec { Repository = Repository } } };
    }

    [TestCase(EtcdTopology.Stacked, "v1.31.4")]
    [TestCase(EtcdTopology.External, "v1.30.8")]
    public void RenderInit_Repository_IsClusterConfigurationsImageRepositoryAndPassesTheSchema(EtcdTopology topology, string version)
    {
        var cluster = WithRepository(topology, version);

        var init = KubeadmConfigRenderer.RenderInit(cluster, KubeadmTestClusters.Host(cluster, "cp1"), BootstrapToken.Parse(KubeadmTestClusters.Token));

        Assert.That(new RenderedYaml(init.SensitiveYaml).Scalar("ClusterConfiguration", "imageRepository"), Is.EqualTo(Repository));
        Assert.That(new KubeadmSchemaChecker(KubeadmSchema.Default).Check("init.yaml", init.SensitiveYaml).Problems, Is.Empty);
    }

    [Test]
    public void RenderInit_NoRepository_LeavesKubeadmsDefault()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");

        var init = KubeadmConfigRenderer.RenderInit(cluster, KubeadmTestClusters.Host(cluster, "cp1"), BootstrapToken.Parse(KubeadmTestClusters.Token));

        Assert.That(init.SensitiveYaml, Does.Not.Contain("imageRepository"));
    }

    [Test]
    public void RenderEtcdMember_Repository_PullsTheMembersEtcdFromIt()
    {
        var cluster = WithRepository(EtcdTopology.External, "v1.31.4");

        var yaml = KubeadmConfigRenderer.RenderEtcdMember(cluster, KubeadmTestClusters.Host(cluster, "etcd1"));

        Assert.That(new RenderedYaml(yaml).Scalar("ClusterConfiguration", "imageRepository"), Is.EqualTo(Repository));
        Assert.That(new KubeadmSchemaChecker(KubeadmSchema.Default).Check("etcd.yaml", yaml).Problems, Is.Empty);
    }
}
