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

    private static HaClusterSpec WithOperatorManifests(int count, CniPlugin cni = CniPlugin.Calico)
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec;
        var entries = Enumerable.Range(0, count).Select(i => new CalicoOperatorManifest { File = $"calico/{i}.yaml", Sha256 = new string('0', 64) }).ToList();
        return spec with { Networking = spec.Networking with { Cni = cni, Calico = new CalicoSpec { OperatorManifests = entries } } };
    }

    [Test]
    public void LocalOperatorManifests_Given_KeptUnderHaKubesFolderInTheSpecsOrder()
    {
        var referenced = ReferencedContent.None with { CalicoOperatorManifests = ["crds\n", "operator\n"] };

        var files = CalicoManifestRenderer.LocalOperatorManifests(WithOperatorManifests(2), referenced);

        Assert.That(files, Is.EqualTo(new[] { ("/etc/kubernetes/hakube/calico-operator-0.yaml", "crds\n"), ("/etc/kubernetes/hakube/calico-operator-1.yaml", "operator\n") }));
    }

    [Test]
    public void LocalOperatorManifests_NoneGiven_IsEmpty()
    {
        Assert.That(CalicoManifestRenderer.LocalOperatorManifests(WithOperatorManifests(0), ReferencedContent.None), Is.Empty);
    }

    [Test]
    public void LocalOperatorManifests_GivenButNotLoaded_Throws()
    {
        Assert.That(() => CalicoManifestRenderer.LocalOperatorManifests(WithOperatorManifests(2), ReferencedContent.None), Throws.ArgumentException);
    }
}
