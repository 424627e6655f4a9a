using System.Runtime.Versioning;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// An air-gapped site on the lab: one control plane and one worker (`lab.sh air-gap`: no route
/// beyond the lab, their Debian packages from the site's golden image, no Debian source), a lab
/// registry and a lab apt mirror standing for the site's own (LabMirrors). The spec points
/// images.repository and packages at them (the registry's CA as a registryMirrors entry of its
/// own host, the mirror's key by file and fingerprint) and installs Calico from operator manifests
/// given as files beside the manifest, pinned by SHA-256 (spec.networking.calico.operatorManifests;
/// their content is synthetic, made here: no authentic copy of Calico's can be had on the lab, and
/// the kubectl stand-in records what it is given rather than running an operator). apply converges;
/// the mirrors' logs hold every image and package each host asked for, the hosts' network logs hold
/// nothing else (no GitHub fetch), kubectl created the operator from the local copies, a second
/// plan is empty, and a fetch from outside does fail there (the lab really is air-gapped). The
/// tests run in order on one lab.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(15)]
[SupportedOSPlatform("linux")]
public sealed class AirGappedLabTests : LabFixture
{
    // The Debian packages of the golden image: what PrepareHost would otherwise install from Debian
    // (HaKube's spec.packages covers the Kubernetes repository only).
    private static readonly string[] GoldenPackages = ["containerd", "curl", "gpg", "conntrack", "socat", "ethtool", "ebtables", "iptables", "ca-certificates"];

    // kubeadm 1.31.4's images (kubeadm config images list), under the custom repository: CoreDNS without its coredns/ folder.
    private static readonly string[] ControlPlaneImages =
        ["kube-apiserver:v1.31.4", "kube-controller-manager:v1.31.4", "kube-scheduler:v1.31.4", "kube-proxy:v1.31.4", "coredns:v1.11.3", "pause:3.10", "etcd:3.5.15-0"];

    private static readonly string[] WorkerImages = ["kube-proxy:v1.31.4", "pause:3.10"];

    private static readonly string[] Packages =
        ["kubelet_1.31.4-1.1", "kubeadm_1.31.4-1.1", "kubectl_1.31.4-1.1", "cri-tools_1.31.0-1.1", "kubernetes-cni_1.5.1-1.1"];

    // Synthetic stand-ins for Calico's operator-crds.yaml and tigera-operator.yaml: a CRD, and the
    // operator's namespace and deployment. Real files would be megabytes of CRDs; these carry the shape only.
    private const string OperatorCrds = """
        # Test-made content, not Calico's: the shape of operator-crds.yaml.
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: installations.operator.tigera.io}
        spec:
          group: operator.tigera.io
          names: {kind: Installation, plural: installations, singular: installation}
          scope: Cluster
          versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]

        """;

    private const string TigeraOperator = """
        # Test-made content, not Calico's: the shape of tigera-operator.yaml.
        apiVersion: v1
        kind: Namespace
        metadata: {name: tigera-operator}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: tigera-operator, namespace: tigera-operator}
        spec:
          selector: {matchLabels: {name: tigera-operator}}
          template:
            metadata: {labels: {name: tigera-operator}}
            spec: {containers: [{name: tigera-operator, image: quay.io/tigera/operator:v1.38.6}]}

        """;

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private LabCluster? _cluster;
    private LabMirrors? _mirrors;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabMirrors Mirrors => _mirrors ?? throw new InvalidOperationException("mirrors not started");

    protected override async Task StartAsync()
    {
        var m = Own(await LabMirrors.StartAsync(LabOptions.Isolated("127.0.180.200"), LabOptions.Isolated("127.0.180.201")));
        var cluster = Own(await LabCluster.StartAsync(2, new LabOptions("hkag", "127.0.180"), h => $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-air-gapped}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[0].Address}}", port: 6443}
              loadBalancer: {provider: External}
              etcd: {topology: Stacked}
              allowNonHighlyAvailable: true
              networking:
                podSubnet: 192.168.0.0/16
                calico:
                  operatorManifests:
                  - {file: calico/operator-crds.yaml, sha256: {{Sha256(OperatorCrds)}}}
                  - {file: calico/tigera-operator.yaml, sha256: {{Sha256(TigeraOperator)}}}
              images:
                repository: "{{m.Registry}}/k8s"
                registryMirrors:
                - {registry: "{{m.Registry}}", url: "{{m.RegistryUrl}}", caFile: certs/registry-ca.crt}
              packages:
                repository: "{{m.AptUrl}}"
                keyFile: keys/mirror-key.asc
                keyFingerprint: {{m.KeyFingerprint}}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:
              - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
              - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [Worker]}

            """));
        Directory.CreateDirectory(Path.Combine(cluster.Folder, "certs"));
        File.Copy(m.CaPath, Path.Combine(cluster.Folder, "certs", "registry-ca.crt"));
        File.Copy(m.KeyPath, Path.Combine(cluster.Folder, "keys", "mirror-key.asc"));
        Directory.CreateDirectory(Path.Combine(cluster.Folder, "calico"));
        await File.WriteAllTextAsync(Path.Combine(cluster.Folder, "calico", "operator-crds.yaml"), OperatorCrds);
        await File.WriteAllTextAsync(Path.Combine(cluster.Folder, "calico", "tigera-operator.yaml"), TigeraOperator);
        foreach (var host in cluster.Lab.Hosts)
        {
            await cluster.Lab.AirGapAsync(host, GoldenPackages);
        }

        // Through locals: NUnit's analyzer does not see that Own's tear-down disposes them.
        (_mirrors, _cluster) = (m, cluster);
    }

    [Test, Order(1)]
    public async Task Apply_AirGappedHosts_ConvergesAndTheNextPlanIsEmpty()
    {
        var (exit, output, error) = await LabCluster.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        await TestContext.Out.WriteLineAsync(output + error);
        var (planExit, plan, planError) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Contain("InitControlPlane").And.Contain("InstallPodNetwork").And.Contain("JoinWorker"));
            Assert.That(planExit, Is.Zero, plan + planError);
        });
    }

    [Test, Order(2)]
    public void MirrorLogs_AfterApply_HoldEveryImageAndPackageEachHostAskedFor()
    {
        var (controlPlane, worker) = (Cluster.Lab.Hosts[0], Cluster.Lab.Hosts[1]);
        var images = LabMirrors.ReadLog(Mirrors.RegistryLogPath);
        var packages = LabMirrors.ReadLog(Mirrors.AptLogPath);

        // A pull resolves its tag with HEAD .../manifests/TAG (then fetches by digest).
        List<string> Resolved(string client) =>
            [.. images.Where(r => r.Client == client && r.Method == "HEAD").Select(r => r.Path["/v2/k8s/".Length..].Replace("/manifests/", ":", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        List<string> Debs(string client) =>
            [.. packages.Where(r => r.Client == client && r.Path.EndsWith("_amd64.deb", StringComparison.Ordinal)).Select(r => r.Path[(r.Path.LastIndexOf('/') + 1)..^"_amd64.deb".Length]).Order(StringComparer.Ordinal)];

        Assert.Multiple(() =>
        {
            Assert.That(Resolved(controlPlane.Address), Is.EqualTo(ControlPlaneImages.Order(StringComparer.Ordinal)), "the control plane pulled kubeadm's images, each once, from the repository");
            Assert.That(Resolved(worker.Address), Is.EqualTo(WorkerImages.Order(StringComparer.Ordinal)), "the worker pulled kube-proxy and pause");
            Assert.That(Debs(controlPlane.Address), Is.EqualTo(Packages.Order(StringComparer.Ordinal)));
            Assert.That(Debs(worker.Address), Is.EqualTo(Packages.Order(StringComparer.Ordinal)));
            foreach (var host in new[] { controlPlane, worker })
            {
                Assert.That(packages.Where(r => r.Client == host.Address).Select(r => r.Path), Does.Contain("/core:/stable:/v1.31/deb/InRelease").And.Contain("/core:/stable:/v1.31/deb/Packages.gz"), host.Name);
            }

            Assert.That(images.Concat(packages).Where(r => r.Status != 200), Is.Empty, "every request was answered (nothing unknown was asked for)");
            Assert.That(images.Concat(packages).Select(r => r.Client).Distinct(), Is.SubsetOf(new[] { controlPlane.Address, worker.Address }));
        });
    }

    [Test, Order(3)]
    public async Task NetworkLogs_AfterApply_NameOnlyTheMirrors()
    {
        foreach (var host in Cluster.Lab.Hosts)
        {
            var log = host.PathOnMachine("/var/log/hakube-standins/network.log");
            var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
            var attempts = lines.Select(l => l.Split('\t')).Select(f => (Tool: f[1], Url: f[3], Outcome: f[4])).ToList();
            var images = await Cluster.Lab.ShellAsync(host, "crictl images 2>/dev/null | tail -n +2 | awk '{print $1}' | sort -u");

            Assert.Multiple(() =>
            {
                Assert.That(attempts.Select(a => a.Tool).Distinct(), Is.SubsetOf(new[] { "apt", "containerd" }), $"{host.Name}: kubectl fetched nothing");
                Assert.That(lines.Where(l => l.Contains("github", StringComparison.OrdinalIgnoreCase)), Is.Empty, $"{host.Name}: nothing asked GitHub");
                Assert.That(attempts.Where(a => a.Outcome != "200"), Is.Empty, $"{host.Name}: no refused or failed attempt");
                Assert.That(attempts.Where(a => !a.Url.StartsWith(Mirrors.RegistryUrl + "/", StringComparison.Ordinal) && !a.Url.StartsWith(Mirrors.AptUrl + "/", StringComparison.Ordinal)), Is.Empty, $"{host.Name}: only the mirrors were asked");
                Assert.That(attempts, Has.Count.GreaterThan(10), host.Name);
                Assert.That(images.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.Not.Empty.And.All.StartsWith(Mirrors.Registry + "/k8s/"), $"{host.Name}: containerd holds the repository's images only");
            });
        }
    }

    [Test, Order(4)]
    public async Task CalicoOperator_AfterApply_CreatedFromTheLocalCopiesAsPinned()
    {
        var controlPlane = Cluster.Lab.Hosts[0];
        var index = await File.ReadAllLinesAsync(controlPlane.PathOnMachine("/var/lib/hakube-standins/applied/index.tsv"));
        var calls = index.Select(l => l.Split('\t')).Select(f => (Verb: f[1], Source: f[2])).ToList();
        var sums = await Cluster.Lab.ShellAsync(controlPlane, "sha256sum /etc/kubernetes/hakube/calico-operator-0.yaml /etc/kubernetes/hakube/calico-operator-1.yaml");

        Assert.Multiple(() =>
        {
            // kubectl create -f for each local copy, in the spec's order, then the Installation applied.
            Assert.That(calls.Where(c => c.Source.Contains("calico", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                ("create", "/etc/kubernetes/hakube/calico-operator-0.yaml"),
                ("create", "/etc/kubernetes/hakube/calico-operator-1.yaml"),
                ("apply", "/etc/kubernetes/hakube/.calico-pending"),
            }));
            Assert.That(calls.Select(c => c.Source), Has.None.StartsWith("http"), "no URL was given to kubectl");
            Assert.That(sums.StandardOutput, Is.EqualTo(
                $"{Sha256(OperatorCrds)}  /etc/kubernetes/hakube/calico-operator-0.yaml\n{Sha256(TigeraOperator)}  /etc/kubernetes/hakube/calico-operator-1.yaml\n"));
        });
    }

    [Test, Order(5)]
    public async Task CalicoOperatorCopy_Edited_IsDriftTheNextApplyRepairs()
    {
        var controlPlane = Cluster.Lab.Hosts[0];
        await Cluster.Lab.ShellAsync(controlPlane, "echo '# edited' >> /etc/kubernetes/hakube/calico-operator-1.yaml");

        var (planExit, plan, _) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var (exit, output, error) = await LabCluster.RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var (afterExit, after, afterError) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var sum = await Cluster.Lab.ShellAsync(controlPlane, "sha256sum /etc/kubernetes/hakube/calico-operator-1.yaml");

        Assert.Multiple(() =>
        {
            Assert.That(planExit, Is.EqualTo(2), plan);
            Assert.That(plan, Does.Contain("InstallPodNetwork").And.Contain("/etc/kubernetes/hakube/calico-operator-1.yaml differs"));
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(afterExit, Is.Zero, after + afterError);
            Assert.That(sum.StandardOutput, Does.StartWith(Sha256(TigeraOperator)));
        });
    }

    [Test, Order(6)]
    public async Task Fetches_FromOutsideTheLab_FailAsOnAnAirGappedHost()
    {
        var worker = Cluster.Lab.Hosts[1];

        var curl = await Cluster.Lab.ShellAsync(worker, "curl -fsSL -o /dev/null https://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key");
        var pull = await Cluster.Lab.ShellAsync(worker, "crictl pull registry.k8s.io/pause:3.10");
        var log = await File.ReadAllTextAsync(worker.PathOnMachine("/var/log/hakube-standins/network.log"));

        Assert.Multiple(() =>
        {
            Assert.That(curl.ExitCode, Is.EqualTo(6), curl.StandardError);
            Assert.That(curl.StandardError, Does.Contain("Could not resolve host: pkgs.k8s.io"));
            Assert.That(pull.ExitCode, Is.Not.Zero);
            Assert.That(pull.StandardError, Does.Contain("lookup registry.k8s.io: no such host"));
            Assert.That(log, Does.Contain("\tcurl\tGET\thttps://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key\tresolve:pkgs.k8s.io"));
            Assert.That(log, Does.Contain("\tcontainerd\tHEAD\thttps://registry.k8s.io/v2/pause/manifests/3.10\tresolve:registry.k8s.io"));
        });
    }
}
