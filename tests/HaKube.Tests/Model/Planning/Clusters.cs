using System.Security.Cryptography;
using System.Text;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>Specs, desired files and host facts (fresh and converged) for the planner's tests.</summary>
internal static class Clusters
{
    public const string Version = "v1.31.4";
    public const string PodNetworkFile = KnownPaths.HaKubeConfig + "/calico.yaml";

    public static HaCluster Spec(
        EtcdTopology topology = EtcdTopology.Stacked, int controlPlanes = 3, int workers = 2, int loadBalancers = 1,
        int etcdHosts = 3, string version = Version, bool paused = false)
    {
        var hosts = new List<HostSpec>();
        var address = 10;
        void Add(string name, HostRole role) => hosts.Add(new HostSpec { Name = name, Address = $"10.0.0.{address++}", Roles = [role] });
        for (var i = 1; i <= controlPlanes; i++)
        {
            Add($"cp{i}", HostRole.ControlPlane);
        }

        var etcd = topology == EtcdTopology.External ? Enumerable.Range(1, etcdHosts).Select(i => $"etcd{i}").ToList() : [];
        etcd.ForEach(name => Add(name, HostRole.Etcd));
        for (var i = 1; i <= workers; i++)
        {
            Add($"w{i}", HostRole.Worker);
        }

        var lbs = Enumerable.Range(1, loadBalancers).Select(i => $"lb{i}").ToList();
        lbs.ForEach(name => Add(name, HostRole.LoadBalancer));
        return new HaCluster
        {
            ApiVersion = HaCluster.GroupVersion,
            Kind = HaCluster.KindName,
            Metadata = new ObjectMeta { Name = "demo" },
            Spec = new HaClusterSpec
            {
                KubernetesVersion = version,
                ControlPlaneEndpoint = new ControlPlaneEndpoint { Host = "api.demo.internal", Port = 6443 },
                LoadBalancer = loadBalancers > 0 ? new LoadBalancerSpec { Provider = LoadBalancerProvider.HAProxy, Hosts = lbs } : new LoadBalancerSpec(),
                Etcd = new EtcdSpec { Topology = topology, Hosts = etcd },
                Networking = new NetworkingSpec { PodSubnet = "192.168.0.0/16" },
                Ssh = new SshSpec { PrivateKeySecretRef = new SecretKeyRef { Name = "demo-ssh", Key = "id_ed25519" }, KnownHostsSecretRef = new SecretKeyRef { Name = "demo-ssh", Key = "known_hosts" } },
                Paused = paused,
                AllowNonHighlyAvailable = controlPlanes < 3 || etcdHosts < 3,
                Hosts = hosts,
            },
        };
    }

    /// <summary>What src/Actions would render: CAs on control planes, HAProxy and etcd configuration, the pod network on cp1.</summary>
    public static DesiredState Desired(HaCluster cluster)
    {
        var spec = cluster.Spec;
        var files = new Dictionary<string, IReadOnlyList<DesiredFile>>();
        var stacked = spec.Etcd.Topology == EtcdTopology.Stacked;
        foreach (var cp in spec.ControlPlanes())
        {
            var names = new List<string> { "ca.crt", "ca.key", "sa.key", "sa.pub", "front-proxy-ca.crt", "front-proxy-ca.key", "etcd/ca.crt" };
            names.AddRange(stacked ? ["etcd/ca.key"] : ["apiserver-etcd-client.crt", "apiserver-etcd-client.key"]);
            // The authorities are one set for the whole cluster: the same content on every control plane.
            var list = names.Select(n => File("cluster", $"{KnownPaths.Pki}/{n}", StepKind.DistributeCertificateAuthorities)).ToList();
            if (cp == spec.ControlPlanes()[0] && spec.Networking.Cni == CniPlugin.Calico)
            {
                list.Add(File("cluster", PodNetworkFile, StepKind.InstallPodNetwork));
            }

            files[cp.Name] = list;
        }

        foreach (var node in spec.Hosts.Where(h => h.Roles.Contains(HostRole.ControlPlane) || h.Roles.Contains(HostRole.Worker)))
        {
            files[node.Name] = [.. files.GetValueOrDefault(node.Name) ?? [], .. NodeFiles(spec)];
        }

        // HAProxy's backends are the control planes: its file changes with them.
        var backends = "lb:" + string.Join(",", spec.ControlPlanes().Select(h => h.Address));
        foreach (var lb in spec.LoadBalancer.Hosts)
        {
            files[lb] = [File(backends, KnownPaths.HaproxyConfig, StepKind.ConfigureLoadBalancer)];
        }

        foreach (var member in spec.Etcd.Hosts)
        {
            files[member] =
            [
                File("version:" + KubernetesVersion.Parse(spec.KubernetesVersion).MinorTag, KnownPaths.AptSource, StepKind.PrepareHost),
                File("etcd host", KnownPaths.EtcdKubeletDropIn, StepKind.ConfigureEtcdMember),
                File("etcd host", KnownPaths.EtcdKubeletConfig, StepKind.ConfigureEtcdMember),
                File(member + spec.KubernetesVersion, KnownPaths.EtcdKubeadmConfig, StepKind.ConfigureEtcdMember),
                File("cluster", KnownPaths.Pki + "/etcd/ca.crt", StepKind.ConfigureEtcdMember),
                File(member, KnownPaths.Pki + "/etcd/server.crt", StepKind.ConfigureEtcdMember),
                File(member, KnownPaths.Pki + "/etcd/peer.crt", StepKind.ConfigureEtcdMember),
            ];
        }

        return new DesiredState(files);
    }

    /// <summary>PrepareHost's files on a Kubernetes node; the package source names the spec's minor.</summary>
    public static IReadOnlyList<DesiredFile> NodeFiles(HaClusterSpec spec) =>
    [
        File("node", KnownPaths.ModulesLoad, StepKind.PrepareHost),
        File("node", KnownPaths.Sysctl, StepKind.PrepareHost),
        File("version:" + KubernetesVersion.Parse(spec.KubernetesVersion).MinorTag, KnownPaths.AptSource, StepKind.PrepareHost),
    ];

    /// <summary>The facts PrepareHost's own work leaves on a Kubernetes node or an external etcd host (tools, containerd's configuration, the keyring).</summary>
    public static HostFacts Prepared(HostFacts facts, HaClusterSpec spec, bool node) => facts with
    {
        CaBundlePresent = true,
        Containerd = new ContainerdFacts(true, true, HostRequirements.PauseImage(spec.Version())),
        Programs = new HashSet<string>(facts.Programs) { "containerd", "kubelet", "kubeadm", "crictl", "curl", "gpg" }
            .Concat(node ? ["kubectl", "conntrack", "iptables", "socat", "ethtool", "ebtables"] : Array.Empty<string>()).ToHashSet(StringComparer.Ordinal),
        Files = facts.Files.With(KnownPaths.AptKeyring, Present(Sha("keyring"), "644")),
    };

    /// <summary>A Kubernetes node PrepareHost has prepared at <paramref name="version"/> that has not joined.</summary>
    public static HostFacts PreparedNode(string host, HaClusterSpec spec, string version)
    {
        var fresh = Fresh(host);
        return Prepared(fresh, spec, node: true) with
        {
            Prerequisites = new NodePrerequisites(false, true, true, true),
            Versions = new KubeVersions(version, version, version),
            Services = fresh.Services.With("containerd", ServiceState.Active),
            Files = NodeFiles(spec).Aggregate(Prepared(fresh, spec, node: true).Files, (all, d) => all.With(d.Path, Present(d.Sha256, d.Mode))),
        };
    }

    /// <summary>An external member's static pod as kubeadm rendered it, with HaKube's record of it.</summary>
    public static HostFacts WithEtcdManifest(HostFacts facts) => facts with
    {
        Files = facts.Files.With(KnownPaths.EtcdManifest, Present(Sha(facts.Host + "etcd.yaml"), "600")),
        EtcdManifestRecord = Sha(facts.Host + "etcd.yaml"),
    };

    public static DesiredFile File(string scope, string path, StepKind owner) =>
        new(path, Sha(scope + path), path.EndsWith(".key", StringComparison.Ordinal) ? "600" : "644", owner);

    public static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static FileFact Present(string sha, string mode) => new(true, sha, mode, 0, 0, 100, null);

    /// <summary>A machine as it comes: reachable, nothing installed, swap on.</summary>
    public static HostFacts Fresh(string host) => new()
    {
        Host = host,
        Reachable = true,
        Prerequisites = new NodePrerequisites(SwapOn: true, IpForward: false, BrNetfilter: false, ContainerdInstalled: false),
        Services = Services(ServiceState.Inactive, ServiceState.Inactive, ServiceState.Inactive, ServiceState.Inactive),
    };

    public static Dictionary<string, HostFacts> FreshFacts(HaCluster cluster) =>
        cluster.Spec.Hosts.ToDictionary(h => h.Name, h => Fresh(h.Name));

    /// <summary>Every host as HaKube leaves it: the cluster built, etcd healthy, every file in place.</summary>
    public static Dictionary<string, HostFacts> ConvergedFacts(HaCluster cluster)
    {
        var spec = cluster.Spec;
        var desired = Desired(cluster);
        var etcdHosts = spec.EtcdMembers().Select(h => h.Name).ToHashSet();
        var members = spec.EtcdMembers().Select(h => Member(spec, h.Name)).ToList();
        var facts = new Dictionary<string, HostFacts>();
        foreach (var host in spec.Hosts)
        {
            var kube = host.Roles.Contains(HostRole.ControlPlane) || host.Roles.Contains(HostRole.Worker);
            var files = desired.FilesOf(host.Name).ToDictionary(f => f.Path, f => Present(f.Sha256, f.Mode));
            if (kube)
            {
                files[KnownPaths.KubeletConf] = Present(Sha(host.Name + "kubelet.conf"), "600");
            }

            if (host.Roles.Contains(HostRole.ControlPlane))
            {
                files[KnownPaths.AdminConf] = Present(Sha(host.Name + "admin.conf"), "600");
            }

            var etcd = etcdHosts.Contains(host.Name);
            var external = etcd && spec.Etcd.Topology == EtcdTopology.External;
            var converged = new HostFacts
            {
                Host = host.Name,
                Reachable = true,
                Prerequisites = new NodePrerequisites(false, true, true, true),
                Versions = kube ? new KubeVersions(spec.KubernetesVersion, spec.KubernetesVersion, spec.KubernetesVersion)
                    : external ? new KubeVersions(spec.KubernetesVersion, spec.KubernetesVersion, null) : KubeVersions.None,
                Services = Services(
                    kubelet: kube || external ? ServiceState.Active : ServiceState.Inactive,
                    etcd: ServiceState.Inactive,
                    haproxy: spec.LoadBalancer.Hosts.Contains(host.Name) ? ServiceState.Active : ServiceState.Inactive,
                    containerd: kube || external ? ServiceState.Active : ServiceState.Inactive),
                Files = files,
                ListeningPorts = Ports(etcd, host.Roles.Contains(HostRole.ControlPlane)),
                StaticPodImages = host.Roles.Contains(HostRole.ControlPlane) ? Images(spec.KubernetesVersion) : new Dictionary<string, string>(),
                ApiServerEtcdServers = host.Roles.Contains(HostRole.ControlPlane) ? EtcdServers(spec) : null,
                Etcd = etcd ? new EtcdFacts(true, members, null) : null,
                EtcdDataPresent = etcd,
                Programs = Programs(kube, spec.LoadBalancer.Hosts.Contains(host.Name), external),
            };
            converged = kube || external ? Prepared(converged, spec, kube) : converged;
            facts[host.Name] = external ? WithEtcdManifest(converged) : converged;
        }

        return facts;
    }

    /// <summary>kube-apiserver's --etcd-servers as kubeadm writes it: the local member (Stacked) or spec.etcd.hosts (External).</summary>
    public static IReadOnlyList<string> EtcdServers(HaClusterSpec spec) =>
        spec.Etcd.Topology == EtcdTopology.Stacked ? ["https://127.0.0.1:2379"] : spec.EtcdClientUrls();

    /// <summary>The control-plane static pods' images at <paramref name="version"/>, as kubeadm writes them.</summary>
    public static IReadOnlyDictionary<string, string> Images(string version) =>
        HostFacts.ControlPlaneComponents.ToDictionary(c => c, c => $"registry.k8s.io/{c}:{version}");

    private static HashSet<int> Ports(bool etcd, bool controlPlane)
    {
        var ports = new HashSet<int>();
        if (etcd)
        {
            ports.UnionWith([2379, 2380]);
        }

        if (controlPlane)
        {
            ports.Add(6443);
        }

        return ports;
    }

    private static HashSet<string> Programs(bool kube, bool loadBalancer, bool externalEtcd)
    {
        var programs = new HashSet<string>(StringComparer.Ordinal);
        if (kube)
        {
            programs.UnionWith(["kubelet", "kubeadm", "kubectl", "containerd"]);
        }

        if (loadBalancer)
        {
            programs.UnionWith(["haproxy", "socat"]);
        }

        if (externalEtcd)
        {
            programs.UnionWith(["kubelet", "kubeadm", "containerd"]);
        }

        return programs;
    }

    public static EtcdMember Member(HaClusterSpec spec, string host) => Member(spec.Hosts.Single(h => h.Name == host));

    /// <summary>The member a host runs; its ID follows from the address (10.0.0.10 is 1000), so a host keeps it when hosts around it leave the spec.</summary>
    public static EtcdMember Member(HostSpec host)
    {
        var index = ulong.Parse(host.Address.Split('.')[3], System.Globalization.CultureInfo.InvariantCulture) - 10;
        return new EtcdMember(0x1000UL + index, host.Name, [$"https://{host.Address}:2380"], [$"https://{host.Address}:2379"], false);
    }

    /// <summary>
    /// The cluster after some hosts left its spec: five control planes or etcd hosts become three,
    /// and the last worker goes. Addresses stay as they were. (Three never become one here: with
    /// every member that holds the data leaving at once there is nothing left to repair from.)
    /// </summary>
    public static (HaCluster Smaller, IReadOnlyList<HostSpec> Departing) Shrink(HaCluster cluster)
    {
        var spec = cluster.Spec;
        var leaving = new List<HostSpec>();
        var controlPlanes = spec.ControlPlanes();
        leaving.AddRange(controlPlanes.Skip(3));
        var etcd = spec.HostsWithRole(HostRole.Etcd);
        leaving.AddRange(etcd.Skip(3));
        leaving.AddRange(spec.HostsWithRole(HostRole.Worker).TakeLast(1));
        leaving.AddRange(spec.HostsWithRole(HostRole.LoadBalancer).Skip(1));
        var names = leaving.Select(h => h.Name).ToHashSet();
        var smaller = spec with
        {
            Hosts = spec.Hosts.Where(h => !names.Contains(h.Name)).ToList(),
            Etcd = spec.Etcd with { Hosts = spec.Etcd.Hosts.Where(h => !names.Contains(h)).ToList() },
            LoadBalancer = spec.LoadBalancer with { Hosts = spec.LoadBalancer.Hosts.Where(h => !names.Contains(h)).ToList() },
        };
        return (cluster with { Spec = smaller }, leaving);
    }

    /// <summary>
    /// The cluster after two of its hosts swapped roles in the spec (same names and addresses): the
    /// last load balancer and the last worker (<paramref name="variant"/> even, with HAProxy), else the
    /// last external etcd host or the last of three or more stacked control planes and the last
    /// worker. Returns the roles the inventory remembers for the two; none when no swap fits.
    /// </summary>
    public static (HaCluster Changed, IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles) SwapRoles(HaCluster cluster, int variant)
    {
        var spec = cluster.Spec;
        var worker = spec.Hosts.LastOrDefault(h => h.Roles.SequenceEqual([HostRole.Worker]));
        var loadBalancer = spec.LoadBalancer.Hosts.Count > 0 ? spec.LoadBalancer.Hosts[^1] : null;
        var etcd = spec.Etcd.Hosts.Count > 0 ? spec.Etcd.Hosts[^1] : null;
        var controlPlane = spec.ControlPlanes().Count >= 3 ? spec.ControlPlanes()[^1].Name : null;
        var other = variant % 2 == 0 && loadBalancer is not null ? (Name: loadBalancer, Role: HostRole.LoadBalancer)
            : etcd is not null ? (Name: etcd, Role: HostRole.Etcd)
            : controlPlane is not null ? (Name: controlPlane, Role: HostRole.ControlPlane)
            : (Name: (string?)null, Role: HostRole.Worker);
        if (worker is null || other.Name is null)
        {
            return (cluster, new Dictionary<string, IReadOnlyList<HostRole>>());
        }

        string Swap(string name) => name == other.Name ? worker.Name : name;
        var changed = spec with
        {
            Hosts = spec.Hosts.Select(h => h.Name == worker.Name ? h with { Roles = [other.Role] } : h.Name == other.Name ? h with { Roles = [HostRole.Worker] } : h).ToList(),
            LoadBalancer = spec.LoadBalancer with { Hosts = spec.LoadBalancer.Hosts.Select(Swap).ToList() },
            Etcd = spec.Etcd with { Hosts = spec.Etcd.Hosts.Select(Swap).ToList() },
        };
        return (cluster with { Spec = changed }, new Dictionary<string, IReadOnlyList<HostRole>> { [worker.Name] = [HostRole.Worker], [other.Name] = [other.Role] });
    }

    public static IReadOnlyDictionary<string, ServiceState> Services(ServiceState kubelet, ServiceState etcd, ServiceState haproxy, ServiceState containerd) =>
        new Dictionary<string, ServiceState> { ["kubelet"] = kubelet, ["etcd"] = etcd, ["haproxy"] = haproxy, ["containerd"] = containerd };

    public static IReadOnlyDictionary<string, ServiceState> With(this IReadOnlyDictionary<string, ServiceState> services, string unit, ServiceState state) =>
        new Dictionary<string, ServiceState>(services) { [unit] = state };

    public static IReadOnlyDictionary<string, FileFact> With(this IReadOnlyDictionary<string, FileFact> files, string path, FileFact? file)
    {
        var copy = new Dictionary<string, FileFact>(files);
        if (file is null)
        {
            copy.Remove(path);
        }
        else
        {
            copy[path] = file;
        }

        return copy;
    }
}
