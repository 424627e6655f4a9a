using System.Runtime.Versioning;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;

namespace HaKube.Tests.Actions.Steps;

/// <summary>Which load balancers a restart takes its control plane out of; the runtime API itself is tested on the lab (HaproxyAndEtcdLabTests).</summary>
[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class LoadBalancerDrainTests
{
    private static HostFacts Balancer(bool socat = true, ServiceState haproxy = ServiceState.Active) => new()
    {
        Host = "lb1",
        Reachable = true,
        Programs = socat ? new HashSet<string> { "haproxy", "socat" } : new HashSet<string> { "haproxy" },
        Services = new Dictionary<string, ServiceState> { ["haproxy"] = haproxy },
    };

    private static StepContext Context(HaCluster cluster, HostFacts balancer) => new()
    {
        Cluster = cluster,
        Material = new ClusterMaterial(TestPki.Authorities, null),
        Store = new ClusterStateStore(Path.GetTempPath(), "unused"),
        Facts = new Dictionary<string, HostFacts> { ["lb1"] = balancer },
        Connect = host => throw new AssertionException($"no host is contacted to choose ({host})"),
    };

    [Test]
    public void Balancers_HaproxyRunningWithSocat_IsTheLoadBalancer()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");

        Assert.That(LoadBalancerDrain.Balancers(Context(cluster, Balancer()), cluster.Spec.Hosts[0]), Is.EqualTo(new[] { "lb1" }));
    }

    [TestCase(false, ServiceState.Active)]
    [TestCase(true, ServiceState.Failed)]
    public void Balancers_NoSocatOrHaproxyNotActive_IsNone(bool socat, ServiceState haproxy)
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");

        Assert.That(LoadBalancerDrain.Balancers(Context(cluster, Balancer(socat, haproxy)), cluster.Spec.Hosts[0]), Is.Empty);
    }

    [Test]
    public void Balancers_OnlyControlPlane_IsNoneSoTheEndpointKeepsIt()
    {
        var demo = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var cluster = demo with { Spec = demo.Spec with { Hosts = demo.Spec.Hosts.Where(h => h.Name is "cp1" or "lb1").ToList() } };

        Assert.That(LoadBalancerDrain.Balancers(Context(cluster, Balancer()), cluster.Spec.Hosts[0]), Is.Empty);
    }

    [Test]
    public void Script_ServerName_IsQuotedAndUnknownServersCountAsDone()
    {
        var script = LoadBalancerDrain.Script("cp-1", "maint");

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("printf '%s\\n' 'set server kube-apiserver/cp-1 state maint' | socat"));
            Assert.That(script, Does.Contain("UNIX-CONNECT:/run/haproxy/admin.sock"));
            Assert.That(script, Does.Contain("*'No such server'*) ;;"));
        });
    }
}
