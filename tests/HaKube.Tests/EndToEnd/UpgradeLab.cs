using System.Text.Json;
using HaKube.Actions.Ssh;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Manifests;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// What the upgrade lab tests share: the cluster (three stacked control planes, one worker and
/// HAProxy; hosts 0-2, 3 and 4; the power-off tests build it too), its manifest at a version, a session with its own connections,
/// and the check that every host runs a version, seen with the real tools from inside the hosts.
/// </summary>
internal static class UpgradeLab
{
    /// <summary>Bounds every apply: a host's upgrade takes well under a minute on a quiet lab; the machine is shared.</summary>
    public static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(12);

    public static List<LabHost> ControlPlanes(LabHosts lab) => lab.Hosts.Take(3).ToList();

    public static List<LabHost> Nodes(LabHosts lab) => lab.Hosts.Take(4).ToList();

    public static string Manifest(IReadOnlyList<LabHost> h, string name, string version) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{name}}}
        spec:
          kubernetesVersion: {{version}}
          controlPlaneEndpoint: {host: "{{h[4].Address}}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{{h[4].Name}}]}
          etcd: {topology: Stacked}
          networking: {podSubnet: 192.168.0.0/16, cni: Calico}
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
          - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [ControlPlane]}
          - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [ControlPlane]}
          - {name: {{h[3].Name}}, address: "{{h[3].Address}}", roles: [Worker]}
          - {name: {{h[4].Name}}, address: "{{h[4].Address}}", roles: [LoadBalancer]}

        """;

    public static Task WriteManifestAsync(LabCluster cluster, string name, string version) =>
        File.WriteAllTextAsync(cluster.Manifest, Manifest(cluster.Lab.Hosts, name, version));

    /// <summary>Runs `hakube ARGS` in-process, bounded by <see cref="ApplyLimit"/>.</summary>
    public static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        LabCluster.RunAsync(args).WaitAsync(ApplyLimit);

    /// <summary>A session on the manifest as it is now, with its own connection pool (closed on dispose).</summary>
    public static async Task<OpenSession> OpenAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var pool = new SshConnectionPool();
        var loaded = await ManifestFiles.LoadAsync([cluster.Manifest], cancellationToken);
        var session = await SessionFactory.CreateAsync(loaded.Manifests.Single(), pool, cluster.StateDir, cancellationToken);
        return new OpenSession(session, pool);
    }

    /// <summary>
    /// Every node's kubelet as the API reports it (and none left cordoned), every node's kubeadm,
    /// kubelet and kubectl, no unfinished-upgrade mark, every control plane's static pod images,
    /// and the cluster's kubeadm-config at <paramref name="version"/>.
    /// </summary>
    public static async Task AssertEveryHostAtAsync(LabHosts lab, string version)
    {
        var controlPlanes = ControlPlanes(lab);
        var nodes = await lab.ShellAsync(controlPlanes[0], "kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json");
        Assert.That(nodes.Succeeded, Is.True, nodes.StandardError);
        using var json = JsonDocument.Parse(nodes.StandardOutput);
        var reported = json.RootElement.GetProperty("items").EnumerateArray().ToDictionary(
            n => n.GetProperty("metadata").GetProperty("name").GetString()!,
            n => (n.GetProperty("status").GetProperty("nodeInfo").GetProperty("kubeletVersion").GetString(), n.GetProperty("spec").TryGetProperty("unschedulable", out var u) && u.GetBoolean()));
        Assert.That(reported, Is.EquivalentTo(Nodes(lab).ToDictionary(n => n.Name, _ => ((string?)version, false))), "kubectl get nodes: kubelet versions, none left cordoned");
        foreach (var host in Nodes(lab))
        {
            var tools = await lab.ShellAsync(host, "kubeadm version -o short; kubelet --version; kubectl version --client | head -n 1; [ ! -e /etc/kubernetes/hakube/upgrade-in-progress.yaml ] || echo unfinished");
            Assert.That(tools.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { version, $"Kubernetes {version}", $"Client Version: {version}" }), host.Name);
        }

        foreach (var host in controlPlanes)
        {
            var images = await lab.ShellAsync(host, "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/kube-controller-manager.yaml /etc/kubernetes/manifests/kube-scheduler.yaml");
            Assert.That(images.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3).And.All.EndsWith(":" + version), host.Name);
        }

        var config = await lab.ShellAsync(controlPlanes[2], "kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' | grep '^kubernetesVersion:'");
        Assert.That(config.StandardOutput.Trim(), Is.EqualTo($"kubernetesVersion: {version}"));
    }

    /// <summary>The image of each control plane's etcd static pod (kubeadm moves it to the target minor's etcd).</summary>
    public static async Task<IReadOnlyList<string>> EtcdImagesAsync(LabHosts lab)
    {
        var images = new List<string>();
        foreach (var host in ControlPlanes(lab))
        {
            var image = await lab.ShellAsync(host, "grep -h 'image:' /etc/kubernetes/manifests/etcd.yaml");
            images.Add(image.StandardOutput.Trim());
        }

        return images;
    }
}

/// <summary>A cluster session with the key and connections it holds, released together.</summary>
internal sealed record OpenSession(ClusterSession Session, SshConnectionPool Pool) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Pool.DisposeAsync();
    }
}
