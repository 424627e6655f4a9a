using System.Text;
using HaKube.Actions.Kubeadm;
using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm.Schema;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>
/// An external etcd member's kubeadm configuration (kubeadm init phase etcd local) and its
/// standalone kubelet's configuration: byte for byte against golden files, and field by field
/// against kubeadm's and the kubelet's Go types.
/// </summary>
public sealed class EtcdMemberConfigGoldenTests
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static string Directory => RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "golden", "kubeadm-etcd-member");

    private static IEnumerable<string> Versions => ["v1.30.8", "v1.31.4"];

    [TestCaseSource(nameof(Versions))]
    public void RenderEtcdMember_KeptConfiguration_MatchesGoldenFileAndKubeadmsTypes(string version)
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, version);
        var rendered = KubeadmConfigRenderer.RenderEtcdMember(cluster, KubeadmTestClusters.Host(cluster, "etcd1"));
        var path = Path.Combine(Directory, $"external-{KubernetesVersion.Parse(version).MinorTag}-etcd-member.yaml");
        if (KubeadmGolden.Updating)
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(path, Utf8NoBom.GetBytes(rendered));
        }

        var report = new KubeadmSchemaChecker(KubeadmSchema.Default).Check(Path.GetFileName(path), rendered);
        Assert.Multiple(() =>
        {
            Assert.That(rendered, Is.EqualTo(File.ReadAllText(path, Utf8NoBom)), $"rendering differs from {path}; rerun with {KubeadmGolden.UpdateVariable}=1 and review");
            Assert.That(report.Problems, Is.Empty, report.ToString());
            Assert.That(report.Documents, Is.EqualTo(2));
        });
    }

    [Test]
    public void RenderEtcdMember_FirstStartOfANewCluster_NamesItselfAndStateNew()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4");
        var etcd1 = KubeadmTestClusters.Host(cluster, "etcd1");
        var start = new EtcdMemberStart([new("etcd1", "https://10.0.0.11:2380")], Existing: false);

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderEtcdMember(cluster, etcd1, start));

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Arguments("ClusterConfiguration", "etcd.local.extraArgs")["initial-cluster"], Is.EqualTo("etcd1=https://10.0.0.11:2380"));
            Assert.That(yaml.Arguments("ClusterConfiguration", "etcd.local.extraArgs")["initial-cluster-state"], Is.EqualTo("new"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "kubernetesVersion"), Is.EqualTo("v1.31.4"));
        });
    }

    [Test]
    public void RenderEtcdMember_AddedMember_ListsTheMembershipAndStateExisting()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4");
        var start = new EtcdMemberStart([new("etcd1", "https://10.0.0.11:2380"), new("etcd2", "https://10.0.0.12:2380")], Existing: true);

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderEtcdMember(cluster, KubeadmTestClusters.Host(cluster, "etcd2"), start));

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Arguments("ClusterConfiguration", "etcd.local.extraArgs")["initial-cluster"], Is.EqualTo("etcd1=https://10.0.0.11:2380,etcd2=https://10.0.0.12:2380"));
            Assert.That(yaml.Arguments("ClusterConfiguration", "etcd.local.extraArgs")["initial-cluster-state"], Is.EqualTo("existing"));
            Assert.That(yaml.Arguments("ClusterConfiguration", "etcd.local.extraArgs")["name"], Is.EqualTo("etcd2"));
        });
    }

    [Test]
    public void RenderEtcdMember_AControlPlane_IsRefused()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4");

        Assert.Throws<ArgumentException>(() => KubeadmConfigRenderer.RenderEtcdMember(cluster, KubeadmTestClusters.Host(cluster, "cp1")));
    }

    [Test]
    public void KubeletConfig_OfAnEtcdHost_IsAKubeletConfigurationTheKubeletTakes()
    {
        var report = new KubeadmSchemaChecker(KubeadmSchema.Default).Check("etcd-kubelet.yaml", EtcdMemberFiles.KubeletConfig);

        Assert.Multiple(() =>
        {
            Assert.That(report.Problems, Is.Empty, report.ToString());
            Assert.That(report.Documents, Is.EqualTo(1));
        });
    }
}
