using HaKube.Actions.Pki;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;

namespace HaKube.Tests.Actions.Steps;

[TestFixture]
public sealed class DesiredStateBuilderTests
{
    private static readonly Lazy<ExternalEtcdCertificates> Etcd = new(() =>
        new ClusterPkiIssuer(TestPki.Factory()).IssueExternalEtcd(KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec, TestPki.Authorities.EtcdCa));

    [Test]
    public void Build_External_EveryRoleGetsItsFilesWithOwnerAndMode()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4");
        var desired = DesiredStateBuilder.Build(cluster, new ClusterMaterial(TestPki.Authorities, Etcd.Value));

        Assert.Multiple(() =>
        {
            Assert.That(desired.FilesOf("cp1").Select(f => f.Path), Does.Contain("/etc/kubernetes/pki/ca.key").And.Contain("/etc/kubernetes/pki/apiserver-etcd-client.key").And.Contain("/etc/kubernetes/hakube/calico.yaml"));
            Assert.That(desired.FilesOf("cp2").Select(f => f.Path), Does.Not.Contain("/etc/kubernetes/hakube/calico.yaml"));
            Assert.That(desired.FilesOf("cp1").Single(f => f.Path == "/etc/kubernetes/pki/ca.key").Mode, Is.EqualTo("600"));
            Assert.That(desired.FilesOf("cp1").Single(f => f.Path == "/etc/kubernetes/pki/ca.crt").Mode, Is.EqualTo("644"));
            Assert.That(desired.FilesOf("etcd1").Where(f => f.Owner == StepKind.ConfigureEtcdMember).Select(f => f.Path), Is.SupersetOf(new[]
            {
                KnownPaths.EtcdKubeletDropIn, KnownPaths.EtcdKubeletConfig, KnownPaths.EtcdKubeadmConfig,
                "/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/peer.crt", "/etc/kubernetes/pki/etcd/healthcheck-client.crt",
            }));
            Assert.That(desired.FilesOf("etcd1").Select(f => f.Path), Does.Not.Contain("/etc/kubernetes/pki/etcd/ca.key").And.Not.Contain(KnownPaths.EtcdUnit));
            Assert.That(desired.FilesOf("etcd1").Where(f => f.Owner == StepKind.PrepareHost).Select(f => f.Path), Is.EqualTo(new[] { KnownPaths.AptSource }));
            Assert.That(desired.FilesOf("lb1").Single().Owner, Is.EqualTo(StepKind.ConfigureLoadBalancer));
            Assert.That(desired.FilesOf("w1").Select(f => (f.Path, f.Owner, f.Mode)), Is.EqualTo(new[]
            {
                (KnownPaths.ModulesLoad, StepKind.PrepareHost, "644"), (KnownPaths.Sysctl, StepKind.PrepareHost, "644"), (KnownPaths.AptSource, StepKind.PrepareHost, "644"),
            }));
        });
    }

    [Test]
    public void Build_HashesMatchTheContentStepsWrite()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var material = new ClusterMaterial(TestPki.Authorities, null);
        var desired = DesiredStateBuilder.Build(cluster, material);
        var written = ManagedFiles.For(cluster, cluster.Spec.Hosts.Single(h => h.Name == "cp2"), material);

        Assert.That(desired.FilesOf("cp2").Select(f => (f.Path, f.Sha256)), Is.EqualTo(written.Select(f => (f.Path, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(f.Content)))))));
    }

    [Test]
    public void Build_CalicoOperatorManifestsGiven_KeptOnTheFirstControlPlaneAsPinned()
    {
        var demo = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("kind: Namespace\n"u8));
        var cluster = demo with { Spec = demo.Spec with { Networking = demo.Spec.Networking with { Calico = new CalicoSpec { OperatorManifests = [new CalicoOperatorManifest { File = "op.yaml", Sha256 = sha }] } } } };
        var material = new ClusterMaterial(TestPki.Authorities, null) { Referenced = HaKube.Actions.Rendering.ReferencedContent.None with { CalicoOperatorManifests = ["kind: Namespace\n"] } };

        var desired = DesiredStateBuilder.Build(cluster, material);

        Assert.Multiple(() =>
        {
            Assert.That(desired.FilesOf("cp1").Where(f => f.Owner == StepKind.InstallPodNetwork).Select(f => (f.Path, f.Mode)), Is.EqualTo(new[]
            {
                ("/etc/kubernetes/hakube/calico-operator-0.yaml", "644"), ("/etc/kubernetes/hakube/calico.yaml", "644"),
            }));
            Assert.That(desired.FilesOf("cp1").Single(f => f.Path == "/etc/kubernetes/hakube/calico-operator-0.yaml").Sha256, Is.EqualTo(sha));
            Assert.That(desired.FilesOf("cp2").Where(f => f.Owner == StepKind.InstallPodNetwork), Is.Empty);
        });
    }

    [Test]
    public void Build_NoContentInTheDesiredState()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var desired = DesiredStateBuilder.Build(cluster, new ClusterMaterial(TestPki.Authorities, null));

        Assert.That(desired.ToString() + string.Join("", desired.Files.Values.SelectMany(f => f).Select(f => f.ToString())), Does.Not.Contain("PRIVATE KEY"));
    }
}
