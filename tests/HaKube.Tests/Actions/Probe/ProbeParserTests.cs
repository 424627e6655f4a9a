using HaKube.Actions.Probe;
using HaKube.Model.Facts;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Probe;

public sealed class ProbeParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly ProbeInputs Inputs = new("10.0.0.7")
    {
        KnownBinaries = new Dictionary<string, KnownBinary> { ["kubectl"] = new("52000000:1730000000:1003", "v1.31.3") },
    };

    private static ProbeOutput Golden() =>
        ProbeParser.Parse("cp1", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "probe", "cp1.out")), Inputs, Now);

    [Test]
    public void Parse_Golden_ReadsOsAndPrerequisites()
    {
        var facts = Golden().Facts;

        Assert.That(facts.Reachable, Is.True);
        Assert.That(facts.Os, Is.EqualTo(new OsFacts("cp1", "debian", "12", "Debian GNU/Linux 12 (bookworm)", "6.1.0-28-amd64", "x86_64")));
        Assert.That(facts.Prerequisites, Is.EqualTo(new NodePrerequisites(SwapOn: true, IpForward: true, BrNetfilter: true, ContainerdInstalled: true)));
        Assert.That(facts.ObservedAt, Is.EqualTo(Now));
    }

    [Test]
    public void Parse_Golden_ReadsProgramsAndEtcdData()
    {
        var facts = Golden().Facts;

        Assert.Multiple(() =>
        {
            Assert.That(facts.Programs, Is.EquivalentTo(new[] { "kubelet", "kubeadm", "kubectl", "containerd", "etcdctl" }));
            Assert.That(facts.EtcdDataPresent, Is.True);
        });
    }

    [Test]
    public void Parse_Golden_VersionsFromRunBinariesAndFromTheCacheForUnchangedOnes()
    {
        var output = Golden();

        Assert.That(output.Facts.Versions, Is.EqualTo(new KubeVersions("v1.31.4", "v1.31.4", "v1.31.3")));
        Assert.That(output.Binaries["kubelet"], Is.EqualTo(new KnownBinary("77000000:1730000000:1001", "v1.31.4")));
    }

    [Test]
    public void Parse_Golden_ControlPlaneVersionIsTheOldestStaticPodImageTag()
    {
        var facts = Golden().Facts;

        Assert.Multiple(() =>
        {
            Assert.That(facts.StaticPodImages["kube-controller-manager"], Is.EqualTo("registry.k8s.io/kube-controller-manager:v1.31.4"), "YAML quotes are dropped");
            Assert.That(facts.ControlPlaneVersion?.ToString(), Is.EqualTo("v1.31.3"));
        });
    }

    [Test]
    public void Parse_Golden_ReadsKubeApiServerEtcdServersWithoutQuotes()
    {
        Assert.That(Golden().Facts.ApiServerEtcdServers, Is.EqualTo(new[] { "https://127.0.0.1:2379" }));
    }

    [Test]
    public void Parse_SeveralEtcdServers_SplitInTheirOrder()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "probe", "cp1.out"))
            .Replace("etcd_servers=\"https://127.0.0.1:2379\"", "etcd_servers=https://10.0.0.21:2379,https://10.0.0.22:2379, https://10.0.0.23:2379", StringComparison.Ordinal);

        var facts = ProbeParser.Parse("cp1", text, Inputs, Now).Facts;

        Assert.That(facts.ApiServerEtcdServers, Is.EqualTo(new[] { "https://10.0.0.21:2379", "https://10.0.0.22:2379", "https://10.0.0.23:2379" }));
    }

    [Test]
    public void Parse_HaproxyServersInMaintenance_ListsEachAndNoneWithoutTheLine()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "probe", "cp1.out"));
        var withLine = text.Replace("\ndone=1", "\nhaproxy_maint=cp2 cp3 \ndone=1", StringComparison.Ordinal);

        Assert.Multiple(() =>
        {
            Assert.That(ProbeParser.Parse("cp1", withLine, Inputs, Now).Facts.HaproxyServersInMaintenance, Is.EqualTo(new[] { "cp2", "cp3" }));
            Assert.That(ProbeParser.Parse("cp1", text, Inputs, Now).Facts.HaproxyServersInMaintenance, Is.Empty);
        });
    }

    [Test]
    public void ControlPlaneVersion_ManifestMissingOrTagNotARelease_IsNull()
    {
        var facts = Golden().Facts;

        Assert.Multiple(() =>
        {
            Assert.That((facts with { StaticPodImages = new Dictionary<string, string> { ["kube-apiserver"] = "registry.k8s.io/kube-apiserver:v1.31.4" } }).ControlPlaneVersion, Is.Null);
            Assert.That((facts with { StaticPodImages = HostFacts.ControlPlaneComponents.ToDictionary(c => c, c => $"registry:5000/{c}:latest") }).ControlPlaneVersion, Is.Null);
            Assert.That(HostFacts.ImageTag("registry:5000/kube-apiserver"), Is.Empty);
        });
    }

    [Test]
    public void Parse_BinaryChangedWithoutVersionBlock_VersionUnknownAndAskedAgain()
    {
        var inputs = Inputs with { KnownBinaries = new Dictionary<string, KnownBinary> { ["kubectl"] = new("1:2:3", "v1.30.0") } };

        var output = ProbeParser.Parse("cp1", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "probe", "cp1.out")), inputs, Now);

        Assert.That(output.Facts.Versions.Kubectl, Is.Null);
        Assert.That(output.Binaries["kubectl"].Identity, Is.Not.EqualTo("52000000:1730000000:1003"));
    }

    [Test]
    public void Parse_Golden_ServicesInUnitOrder()
    {
        var services = Golden().Facts.Services;

        Assert.That(services, Is.EquivalentTo(new Dictionary<string, ServiceState>
        {
            ["kubelet"] = ServiceState.Active,
            ["etcd"] = ServiceState.Active,
            ["haproxy"] = ServiceState.Inactive,
            ["containerd"] = ServiceState.Active,
        }));
    }

    [Test]
    public void Parse_Golden_FilesPresentWithHashModeAndOwnerAbsentOtherwise()
    {
        var files = Golden().Facts.Files;

        Assert.That(files["/etc/kubernetes/pki/ca.key"], Is.EqualTo(new FileFact(true, new string('2', 64), "600", 0, 0, 1675, null)));
        Assert.That(files["/etc/kubernetes/super-admin.conf"], Is.EqualTo(FileFact.Absent));
        Assert.That(files["/etc/kubernetes/pki/etcd/peer.crt"], Is.EqualTo(FileFact.Absent));
        Assert.That(files["/etc/kubernetes/hakube/init.yaml"].Sha256, Is.EqualTo(new string('6', 64)));
        Assert.That(files.Keys, Does.Not.Contain("/usr/bin/kubelet"));
        Assert.That(files.Values.Count(f => f.Present), Is.EqualTo(6));
    }

    [Test]
    public void Parse_Golden_CertificateAndKubeconfigExpiry()
    {
        var facts = Golden().Facts;

        Assert.That(facts.Files["/etc/kubernetes/pki/ca.crt"].NotAfter, Is.EqualTo(new DateTimeOffset(2036, 11, 21, 16, 4, 8, TimeSpan.Zero)));
        Assert.That(facts.Files["/etc/kubernetes/admin.conf"].NotAfter, Is.EqualTo(new DateTimeOffset(2027, 11, 24, 16, 4, 8, TimeSpan.Zero)));
        Assert.That(facts.EarliestCertificateExpiry, Is.EqualTo(new DateTimeOffset(2027, 11, 24, 16, 4, 8, TimeSpan.Zero)));
    }

    [Test]
    public void Parse_Golden_InitializedMarkers()
    {
        var facts = Golden().Facts;

        Assert.That(facts.KubeletConfigured, Is.True);
        Assert.That(facts.ControlPlaneInitialized, Is.True);
    }

    [Test]
    public void Parse_Golden_PortsOnOwnAddressOrWildcardOnly()
    {
        // 10.0.0.8:6443 is another interface of a non-loopback host and counts; the IPv6
        // wildcard on 6667 is not a port the probe asks about but would count if it were.
        var ports = Golden().Facts.ListeningPorts;

        Assert.That(ports, Is.EquivalentTo(new[] { 6443, 2379, 2380, 6667 }));
    }

    [Test]
    public void Parse_Golden_EtcdMembersAndHealth()
    {
        var etcd = Golden().Facts.Etcd!;

        Assert.That(etcd.Healthy, Is.True);
        Assert.That(etcd.Error, Is.Null);
        Assert.That(etcd.Members, Has.Count.EqualTo(2));
        Assert.That(etcd.Members[0], Is.EqualTo(etcd.Members[0] with { Id = 10276657743932975437, Name = "cp1", IsLearner = false }));
        Assert.That(etcd.Members[0].PeerUrls, Is.EqualTo(new[] { "https://10.0.0.7:2380" }));
        Assert.That(etcd.Members[1].IsLearner, Is.True);
        Assert.That(etcd.Members[1].Name, Is.Empty, "a learner that has not started has no name");
        Assert.That(etcd.Members[1].ClientUrls, Is.Empty);
        Assert.That(etcd.Version, Is.EqualTo("3.5.16"));
    }

    [Test]
    public void Parse_GatewayUnreachable_UnhealthyWithCurlsReason()
    {
        const string Output = "probe=1\n@@etcd\n\n@@http 000 Failed to connect to 10.0.0.7 port 2379 after 0 ms: Couldn't connect to server\n\n@@http 000 Failed to connect\n\n@@http 000 Failed to connect\n@@end 7\ndone=1\n";

        var etcd = ProbeParser.Parse("cp1", Output, Inputs, Now).Facts.Etcd!;

        Assert.Multiple(() =>
        {
            Assert.That(etcd.Healthy, Is.False);
            Assert.That(etcd.Members, Is.Empty);
            Assert.That(etcd.Version, Is.Null);
            Assert.That(etcd.Error, Is.EqualTo("curl: Failed to connect to 10.0.0.7 port 2379 after 0 ms: Couldn't connect to server"));
        });
    }

    [Test]
    public void Parse_MembersListedButNoQuorum_UnhealthyWithTheGatewaysReason()
    {
        const string Output = "probe=1\n@@etcd\n{\"members\":[{\"ID\":\"1\",\"name\":\"cp1\",\"peerURLs\":[\"https://10.0.0.7:2380\"]}]}\n@@http 200 \n{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}\n@@http 503 \n{\"etcdserver\":\"3.5.16\"}\n@@http 200 \n@@end 0\ndone=1\n";

        var etcd = ProbeParser.Parse("cp1", Output, Inputs, Now).Facts.Etcd!;

        Assert.Multiple(() =>
        {
            Assert.That(etcd.Healthy, Is.False);
            Assert.That(etcd.Members.Select(m => m.Id), Is.EqualTo(new[] { 1UL }));
            Assert.That(etcd.Error, Is.EqualTo("/health: HTTP 503: RAFT NO LEADER"));
        });
    }

    [TestCase("{\"header\":{\"revision\":\"212\"},\"count\":\"1\"}", 200, true)]
    [TestCase("{\"header\":{\"revision\":\"7\"}}", 200, false)]
    [TestCase("{\"error\":\"etcdserver: request timed out\",\"code\":14}", 503, null)]
    [TestCase("", 0, null)]
    public void Parse_KubeadmConfigRange_SaysWhetherTheKeyIsStored(string answer, int code, bool? stored)
    {
        var output = "probe=1\n@@etcd\n{\"members\":[{\"ID\":\"1\",\"name\":\"cp1\",\"peerURLs\":[\"https://10.0.0.7:2380\"]}]}\n@@http 200 \n{\"health\":\"true\"}\n@@http 200 \n{\"etcdserver\":\"3.5.16\"}\n@@http 200 \n" +
            answer + $"\n@@http {code:000} \n@@end 0\ndone=1\n";

        var etcd = ProbeParser.Parse("cp1", output, Inputs, Now).Facts.Etcd!;

        Assert.Multiple(() =>
        {
            Assert.That(etcd.Healthy, Is.True);
            Assert.That(etcd.KubeadmConfigStored, Is.EqualTo(stored));
        });
    }

    [Test]
    public void Parse_EtcdListensWithoutCurl_UnhealthySayingWhy()
    {
        var etcd = ProbeParser.Parse("cp1", "probe=1\netcd_nocurl=1\ndone=1\n", Inputs, Now).Facts.Etcd!;

        Assert.That(etcd.Error, Does.StartWith("curl is not installed"));
    }

    [Test]
    public void Parse_Golden_ReadsContainerdConfigAndEtcdImage()
    {
        var facts = Golden().Facts;

        Assert.Multiple(() =>
        {
            Assert.That(facts.Containerd, Is.EqualTo(new ContainerdFacts(true, true, "registry.k8s.io/pause:3.10")));
            Assert.That(facts.CaBundlePresent, Is.True);
            Assert.That(facts.StaticPodImages["etcd"], Is.EqualTo("registry.k8s.io/etcd:3.5.15-0"));
            Assert.That(facts.ControlPlaneVersion?.ToString(), Is.EqualTo("v1.31.3"), "etcd's image is not a control-plane version");
        });
    }

    [TestCase("containerd.config_path= \"/etc/containerd/certs.d\"\n", "/etc/containerd/certs.d")]
    [TestCase("containerd.config_path= '/etc/containerd/certs.d:/etc/docker/certs.d'\n", "/etc/containerd/certs.d:/etc/docker/certs.d")]
    [TestCase("containerd.config_path= \"\"\n", null)]
    [TestCase("", null)]
    public void Parse_ContainerdConfigPath_ReadsTheRegistryFolder(string line, string? expected)
    {
        var text = "probe=1\ncontainerd.config=1\ncontainerd.sandbox= \"registry.k8s.io/pause:3.10\"\n" + line + "done=1\n";

        var facts = ProbeParser.Parse("w1", text, Inputs, Now).Facts;

        Assert.That(facts.Containerd.ConfigPath, Is.EqualTo(expected));
    }

    [Test]
    public void Parse_NoEtcdBlocks_EtcdIsNull()
    {
        var facts = ProbeParser.Parse("w1", "probe=1\ndone=1\n", Inputs, Now).Facts;

        Assert.That(facts.Etcd, Is.Null);
        Assert.That(facts.Services.Values, Is.All.EqualTo(ServiceState.Unknown));
    }

    [TestCase("")]
    [TestCase("probe=1\nhostname=cp1\n")]
    [TestCase("hostname=cp1\ndone=1\n")]
    public void Parse_TruncatedOutput_IsRejected(string output)
    {
        Assert.That(() => ProbeParser.Parse("cp1", output, Inputs, Now), Throws.InstanceOf<ProbeFormatException>());
    }

    [Test]
    public void Parse_LoopbackHost_IgnoresOtherLoopbackHostsListeners()
    {
        // Lab hosts share one network namespace on 127.0.10.x: 127.0.10.2's etcd is not ours.
        const string Output = "probe=1\nlisten=020A007F:094B\nlisten=010A007F:192B\ndone=1\n";

        var ports = ProbeParser.Parse("h1", Output, new ProbeInputs("127.0.10.1"), Now).Facts.ListeningPorts;

        Assert.That(ports, Is.EquivalentTo(new[] { 6443 }));
    }

    [Test]
    public void Data_GoldenFile_IsInTheRepository()
    {
        Assert.That(File.Exists(RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "probe", "cp1.out")), Is.True);
    }

    [Test]
    public void Parse_NodesSection_ReadsNamesLabelsAndTheKeysHaKubeOwns()
    {
        const string output = """
            probe=1
            @@nodes
            {"apiVersion": "v1", "kind": "List", "items": [
              {"metadata": {"name": "cp1", "labels": {"zone": "a", "team": "x"}, "annotations": {"hakube.io/labels": "zone"}}},
              {"metadata": {"name": "byhand"}}
            ]}
            @@end 0
            done=1
            """;

        var nodes = ProbeParser.Parse("cp1", output, new ProbeInputs("10.0.0.7") { ListNodes = true }, Now).Facts.Nodes;

        Assert.That(nodes, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(nodes!.Select(n => n.Name), Is.EqualTo(new[] { "cp1", "byhand" }));
            Assert.That(nodes[0].Labels, Is.EqualTo(new Dictionary<string, string> { ["zone"] = "a", ["team"] = "x" }));
            Assert.That(nodes[0].OwnedLabels, Is.EqualTo(new[] { "zone" }));
            Assert.That(nodes[1].Labels, Is.Empty);
        });
    }

    [TestCase("@@nodes\nThe connection to the server was refused\n@@end 1\n")]
    [TestCase("@@nodes\n{not json\n@@end 0\n")]
    [TestCase("")]
    public void Parse_NodesFailedOrAbsent_NodesIsNull(string section)
    {
        var facts = ProbeParser.Parse("cp1", "probe=1\n" + section + "done=1\n", Inputs, Now).Facts;

        Assert.That(facts.Nodes, Is.Null);
    }
}
