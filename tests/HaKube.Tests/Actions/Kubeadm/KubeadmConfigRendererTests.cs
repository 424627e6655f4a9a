using HaKube.Actions.Kubeadm;
using HaKube.Model.Api;
using YamlDotNet.RepresentationModel;
using static HaKube.Tests.Actions.Kubeadm.KubeadmTestClusters;

namespace HaKube.Tests.Actions.Kubeadm;

public sealed class KubeadmConfigRendererTests
{
    private static readonly BootstrapToken TestToken = BootstrapToken.Parse(Token);

    private static readonly CaCertHash TestHash = CaCertHash.Parse(CaHash);

    [Test]
    public void RenderInit_ExternalEtcd_PointsTheApiserverAtEveryEtcdHost()
    {
        var cluster = Demo(EtcdTopology.External, "v1.31.4");

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken).SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Strings("ClusterConfiguration", "etcd.external.endpoints"),
                Is.EqualTo(new[] { "https://10.0.0.11:2379", "https://10.0.0.12:2379", "https://10.0.0.13:2379" }));
            Assert.That(yaml.Scalar("ClusterConfiguration", "etcd.external.caFile"), Is.EqualTo("/etc/kubernetes/pki/etcd/ca.crt"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "etcd.external.certFile"), Is.EqualTo("/etc/kubernetes/pki/apiserver-etcd-client.crt"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "etcd.external.keyFile"), Is.EqualTo("/etc/kubernetes/pki/apiserver-etcd-client.key"));
            Assert.That(yaml.Find("ClusterConfiguration", "etcd.local"), Is.Null);
        });
    }

    [Test]
    public void RenderInit_StackedEtcd_UsesLocalEtcdOnly()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4");

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken).SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Scalar("ClusterConfiguration", "etcd.local.dataDir"), Is.EqualTo("/var/lib/etcd"));
            Assert.That(yaml.Find("ClusterConfiguration", "etcd.external"), Is.Null);
        });
    }

    [TestCase("v1.30.8", "kubeadm.k8s.io/v1beta3")]
    [TestCase("v1.31.4", "kubeadm.k8s.io/v1beta4")]
    [TestCase("v1.35.0", "kubeadm.k8s.io/v1beta4")]
    public void RenderInit_Version_PicksKubeadmApiAndKeepsTheClusterSettings(string version, string apiVersion)
    {
        var cluster = Demo(EtcdTopology.Stacked, version);

        var file = KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken);
        var yaml = new RenderedYaml(file.SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Kinds, Is.EqualTo(new[] { "InitConfiguration", "ClusterConfiguration", "KubeletConfiguration" }));
            Assert.That(yaml.Scalar("InitConfiguration", "apiVersion"), Is.EqualTo(apiVersion));
            Assert.That(yaml.Scalar("ClusterConfiguration", "apiVersion"), Is.EqualTo(apiVersion));
            Assert.That(yaml.Scalar("KubeletConfiguration", "apiVersion"), Is.EqualTo("kubelet.config.k8s.io/v1beta1"));
            Assert.That(yaml.Scalar("KubeletConfiguration", "cgroupDriver"), Is.EqualTo("systemd"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "kubernetesVersion"), Is.EqualTo(version));
            Assert.That(yaml.Scalar("ClusterConfiguration", "clusterName"), Is.EqualTo("demo"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "controlPlaneEndpoint"), Is.EqualTo("api.demo.internal:6443"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "certificatesDir"), Is.EqualTo("/etc/kubernetes/pki"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "networking.podSubnet"), Is.EqualTo("192.168.0.0/16"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "networking.serviceSubnet"), Is.EqualTo("10.96.0.0/12"));
            Assert.That(yaml.Scalar("ClusterConfiguration", "networking.dnsDomain"), Is.EqualTo("cluster.local"));
            Assert.That(yaml.Scalar("InitConfiguration", "localAPIEndpoint.advertiseAddress"), Is.EqualTo("10.0.0.7"));
            Assert.That(yaml.Scalar("InitConfiguration", "localAPIEndpoint.bindPort"), Is.EqualTo("6443"));
            Assert.That(yaml.Scalar("InitConfiguration", "nodeRegistration.name"), Is.EqualTo("cp1"));
            Assert.That(yaml.Scalar("InitConfiguration", "nodeRegistration.criSocket"), Is.EqualTo("unix:///var/run/containerd/containerd.sock"));
            Assert.That(yaml.Find("InitConfiguration", "certificateKey"), Is.Null, "HaKube distributes the CAs; nothing is uploaded");
            Assert.That(file.ApiVersion.GroupVersion(), Is.EqualTo(apiVersion));
        });
    }

    [Test]
    public void RenderInit_Token_IsTheOnlyBootstrapTokenWithKubeadmsJoinGroup()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4");

        var init = KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken);
        var tokens = (YamlSequenceNode)new RenderedYaml(init.SensitiveYaml).Find("InitConfiguration", "bootstrapTokens")!;
        var token = (YamlMappingNode)tokens.Single();

        Assert.Multiple(() =>
        {
            Assert.That(((YamlScalarNode)token["token"]).Value, Is.EqualTo(Token));
            Assert.That(((YamlScalarNode)token["ttl"]).Value, Is.EqualTo("15m0s"));
            Assert.That(((YamlSequenceNode)token["usages"]).Select(n => n.ToString()), Is.EqualTo(new[] { "signing", "authentication" }));
            Assert.That(((YamlSequenceNode)token["groups"]).Select(n => n.ToString()), Is.EqualTo(new[] { "system:bootstrappers:kubeadm:default-node-token" }));
        });
    }

    [Test]
    public void RenderInit_HaProxyCluster_CertificateNamesEveryWayToReachAnApiserver()
    {
        var cluster = Demo(EtcdTopology.External, "v1.31.4");

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken).SensitiveYaml);

        Assert.That(yaml.Strings("ClusterConfiguration", "apiServer.certSANs"), Is.EqualTo(new[]
        {
            "api.demo.internal", "10.0.0.5", "10.0.0.7", "10.0.0.8", "10.0.0.9", "cp1", "cp2", "cp3", "lb1",
        }));
    }

    [TestCase("v1.30.8")]
    [TestCase("v1.31.4")]
    public void RenderInit_Timeouts_AreInTheFieldEachApiVersionHasForThem(string version)
    {
        var cluster = Demo(EtcdTopology.Stacked, version);

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken).SensitiveYaml);

        var v1Beta4 = cluster.Spec.Version().UsesKubeadmV1Beta4;
        Assert.Multiple(() =>
        {
            Assert.That(yaml.Find("InitConfiguration", "timeouts.controlPlaneComponentHealthCheck")?.ToString(), Is.EqualTo(v1Beta4 ? "4m0s" : null));
            Assert.That(yaml.Find("ClusterConfiguration", "apiServer.timeoutForControlPlane")?.ToString(), Is.EqualTo(v1Beta4 ? null : "4m0s"));
        });
    }

    [TestCase("v1.30.8", typeof(YamlMappingNode))]
    [TestCase("v1.31.4", typeof(YamlSequenceNode))]
    public void RenderJoinWorker_Labels_OnlyKubeletSettableOnesBecomeNodeLabelsInTheVersionsShape(string version, Type shape)
    {
        var cluster = Demo(EtcdTopology.Stacked, version);

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderJoinWorker(cluster, Host(cluster, "w1"), TestToken, TestHash).SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Find("JoinConfiguration", "nodeRegistration.kubeletExtraArgs"), Is.InstanceOf(shape));
            Assert.That(yaml.Arguments("JoinConfiguration", "nodeRegistration.kubeletExtraArgs"), Is.EqualTo(new Dictionary<string, string>
            {
                ["node-ip"] = "10.0.0.21",
                // node-role.kubernetes.io/worker would stop the kubelet from starting; the reconciler sets it.
                ["node-labels"] = "disk=ssd,topology.kubernetes.io/zone=a",
            }));
        });
    }

    [Test]
    public void RenderJoinControlPlane_Cp2_AdvertisesItsOwnAddressAndDiscoversThroughTheEndpoint()
    {
        var cluster = Demo(EtcdTopology.External, "v1.31.4");

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderJoinControlPlane(cluster, Host(cluster, "cp2"), TestToken, TestHash).SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Kinds, Is.EqualTo(new[] { "JoinConfiguration" }));
            Assert.That(yaml.Scalar("JoinConfiguration", "nodeRegistration.name"), Is.EqualTo("cp2"));
            Assert.That(yaml.Scalar("JoinConfiguration", "controlPlane.localAPIEndpoint.advertiseAddress"), Is.EqualTo("10.0.0.8"));
            Assert.That(yaml.Scalar("JoinConfiguration", "controlPlane.localAPIEndpoint.bindPort"), Is.EqualTo("6443"));
            Assert.That(yaml.Find("JoinConfiguration", "controlPlane.certificateKey"), Is.Null);
            Assert.That(yaml.Scalar("JoinConfiguration", "discovery.bootstrapToken.apiServerEndpoint"), Is.EqualTo("api.demo.internal:6443"));
            Assert.That(yaml.Scalar("JoinConfiguration", "discovery.bootstrapToken.token"), Is.EqualTo(Token));
            Assert.That(yaml.Strings("JoinConfiguration", "discovery.bootstrapToken.caCertHashes"), Is.EqualTo(new[] { CaHash }));
            Assert.That(yaml.Scalar("JoinConfiguration", "timeouts.discovery"), Is.EqualTo("5m0s"));
            Assert.That(yaml.Find("JoinConfiguration", "nodeRegistration.taints"), Is.Null, "kubeadm's control-plane taint stays");
        });
    }

    [TestCase("v1.30.8")]
    [TestCase("v1.31.4")]
    public void RenderJoinWorker_W1_HasNoControlPlaneSection(string version)
    {
        var cluster = Demo(EtcdTopology.External, version);

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderJoinWorker(cluster, Host(cluster, "w1"), TestToken, TestHash).SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Find("JoinConfiguration", "controlPlane"), Is.Null);
            Assert.That(yaml.Scalar("JoinConfiguration", "nodeRegistration.name"), Is.EqualTo("w1"));
            Assert.That(yaml.Scalar("JoinConfiguration", "discovery.bootstrapToken.apiServerEndpoint"), Is.EqualTo("api.demo.internal:6443"));
            var discoveryTimeout = cluster.Spec.Version().UsesKubeadmV1Beta4 ? "timeouts.discovery" : "discovery.timeout";
            Assert.That(yaml.Scalar("JoinConfiguration", discoveryTimeout), Is.EqualTo("5m0s"));
        });
    }

    [Test]
    public void RenderInit_ControlPlaneThatIsAlsoWorker_IsLeftUntainted()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4", schedulableControlPlanes: true);

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken).SensitiveYaml);

        Assert.That(yaml.Find("InitConfiguration", "nodeRegistration.taints"), Is.InstanceOf<YamlSequenceNode>().With.Property("Children").Empty);
    }

    [Test]
    public void RenderJoinWorker_ControlPlaneThatIsAlsoWorker_Throws()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4", schedulableControlPlanes: true);

        Assert.That(() => KubeadmConfigRenderer.RenderJoinWorker(cluster, Host(cluster, "cp1"), TestToken, TestHash),
            Throws.ArgumentException.With.Message.Contains("cp1 is a control plane"));
    }

    [Test]
    public void RenderInit_Worker_ThrowsWithoutMentioningTheToken()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4");

        Assert.That(() => KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "w1"), TestToken),
            Throws.ArgumentException.With.Message.Contains("does not have role ControlPlane").And.Message.Not.Contains("0123456789abcdef"));
    }

    [Test]
    public void RenderJoinControlPlane_HostOfAnotherCluster_Throws()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4");
        var stranger = new HostSpec { Name = "cp9", Address = "10.0.0.99", Roles = [HostRole.ControlPlane] };

        Assert.That(() => KubeadmConfigRenderer.RenderJoinControlPlane(cluster, stranger, TestToken, TestHash),
            Throws.ArgumentException.With.Message.Contains("not one of the cluster's hosts"));
    }

    [Test]
    public void RenderInit_HostGivenByDnsName_LeavesIpOnlyFieldsToKubeadm()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4");
        var named = Host(cluster, "cp1") with { Address = "cp1.demo.internal" };
        cluster = cluster with { Spec = cluster.Spec with { Hosts = [named, .. cluster.Spec.Hosts.Skip(1)] } };

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, named, TestToken).SensitiveYaml);

        Assert.Multiple(() =>
        {
            Assert.That(yaml.Find("InitConfiguration", "localAPIEndpoint.advertiseAddress"), Is.Null);
            Assert.That(yaml.Scalar("InitConfiguration", "localAPIEndpoint.bindPort"), Is.EqualTo("6443"));
            Assert.That(yaml.Arguments("InitConfiguration", "nodeRegistration.kubeletExtraArgs").Keys, Is.EqualTo(new[] { "node-labels" }));
            Assert.That(yaml.Strings("ClusterConfiguration", "apiServer.certSANs"), Does.Contain("cp1.demo.internal"));
        });
    }

    [Test]
    public void RenderInit_Ipv6Endpoint_IsBracketedInHostPort()
    {
        var cluster = Demo(EtcdTopology.External, "v1.31.4");
        cluster = cluster with { Spec = cluster.Spec with { ControlPlaneEndpoint = new ControlPlaneEndpoint { Host = "fd00::10", Port = 8443 } } };

        var yaml = new RenderedYaml(KubeadmConfigRenderer.RenderInit(cluster, Host(cluster, "cp1"), TestToken).SensitiveYaml);

        Assert.That(yaml.Scalar("ClusterConfiguration", "controlPlaneEndpoint"), Is.EqualTo("[fd00::10]:8443"));
    }

    [Test]
    public void Render_SameInputTwice_GivesIdenticalText()
    {
        var first = KubeadmGoldenCase.All.Select(c => c.Render().SensitiveYaml).ToList();
        var second = KubeadmGoldenCase.All.Select(c => c.Render().SensitiveYaml).ToList();

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void ToString_RenderedFile_DescribesItWithoutTheToken()
    {
        var cluster = Demo(EtcdTopology.Stacked, "v1.31.4");

        var file = KubeadmConfigRenderer.RenderJoinWorker(cluster, Host(cluster, "w1"), TestToken, TestHash);

        Assert.Multiple(() =>
        {
            Assert.That(file.SensitiveYaml, Does.Contain(Token));
            Assert.That(file.ToString(), Does.Contain("JoinWorker").And.Contain("w1").And.Not.Contain("0123456789abcdef"));
            Assert.That($"{file}", Does.Not.Contain("0123456789abcdef"));
        });
    }
}
