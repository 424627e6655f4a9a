using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Model.Facts;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// hakube apply end to end on the lab with external etcd: three control planes, three etcd hosts
/// run by HaKube (real etcd under the systemctl stand-in), two workers and HAProxy (real haproxy).
/// Converges, then plans nothing, and repairs drift: a deleted certificate, a stopped etcd member,
/// an edited HAProxy configuration.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(8)]
[SupportedOSPlatform("linux")]
public sealed class ExternalApplyLabTests
{
    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private List<LabHost> EtcdHosts => Lab.Hosts.Skip(3).Take(3).ToList();

    private List<LabHost> Workers => Lab.Hosts.Skip(6).Take(2).ToList();

    private LabHost LoadBalancer => Lab.Hosts[8];

    private string Manifest => Cluster.Manifest;

    private string StateDir => Cluster.StateDir;

    [OneTimeSetUp]
    public async Task StartLab() =>
        _cluster = await LabCluster.StartAsync(9, new LabOptions("hke2ex", "127.0.63"), h => $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-external}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[8].Address}}", port: 6443}
              loadBalancer: {provider: HAProxy, hosts: [{{h[8].Name}}]}
              etcd: {topology: External, hosts: [{{h[3].Name}}, {{h[4].Name}}, {{h[5].Name}}]}
              networking: {podSubnet: 192.168.0.0/16, cni: Calico}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:
              - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
              - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [ControlPlane]}
              - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [ControlPlane]}
              - {name: {{h[3].Name}}, address: "{{h[3].Address}}", roles: [Etcd]}
              - {name: {{h[4].Name}}, address: "{{h[4].Address}}", roles: [Etcd]}
              - {name: {{h[5].Name}}, address: "{{h[5].Address}}", roles: [Etcd]}
              - {name: {{h[6].Name}}, address: "{{h[6].Address}}", roles: [Worker], labels: {zone: a} }
              - {name: {{h[7].Name}}, address: "{{h[7].Address}}", roles: [Worker]}
              - {name: {{h[8].Name}}, address: "{{h[8].Address}}", roles: [LoadBalancer]}

            """);

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test, Order(1)]
    public async Task Apply_FreshHosts_BuildsTheClusterTheSpecDescribes()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);
        Assert.That(exit, Is.Zero, output + error);

        var etcd = await ClusterChecks.EtcdAsync(Lab, EtcdHosts[0], EtcdHosts);
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlanes[0]);
        Assert.Multiple(() =>
        {
            Assert.That(etcd.Members, Is.EquivalentTo(EtcdHosts.Select(h => h.Name)), etcd.Output);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(backends.Keys, Is.EquivalentTo(ControlPlanes.Select(h => h.Name)));
            Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
            Assert.That(nodes, Is.EquivalentTo(ControlPlanes.Concat(Workers).Select(h => h.Name)));
        });
    }

    [Test, Order(2)]
    public async Task Apply_Converged_EachHostHoldsExactlyItsPkiFilesWithKubeadmsModes()
    {
        foreach (var host in ControlPlanes)
        {
            Assert.That(await ClusterChecks.PkiFilesAsync(Lab, host), Is.EqualTo(ClusterChecks.ControlPlanePki(stacked: false)), host.Name);
        }

        foreach (var host in EtcdHosts)
        {
            Assert.That(await ClusterChecks.PkiFilesAsync(Lab, host), Is.EqualTo(ClusterChecks.EtcdMemberPki), host.Name);
        }

        foreach (var host in Workers)
        {
            Assert.That(await ClusterChecks.PkiFilesAsync(Lab, host), Is.EqualTo(ClusterChecks.WorkerPki), host.Name);
        }

        Assert.That(await ClusterChecks.PkiFilesAsync(Lab, LoadBalancer), Is.Empty);
    }

    [Test, Order(3)]
    public async Task Plan_AfterApply_IsEmptyAndApplyRunsNothing()
    {
        var (exit, output, error) = await RunAsync("plan", "-f", Manifest, "--output", "json", "--state-dir", StateDir);
        var (applyExit, applyOutput, applyError) = await RunAsync("apply", "-f", Manifest, "--yes", "--output", "json", "--state-dir", StateDir);

        using var applied = JsonDocument.Parse(applyOutput);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(applyExit, Is.Zero, applyError);
            Assert.That(applied.RootElement[0].GetProperty("stepsRun").GetInt32(), Is.Zero, applyOutput);
        });
    }

    [Test, Order(4)]
    public async Task Apply_DriftedHosts_PlanNamesEachDriftAndApplyRepairsIt()
    {
        await Lab.ShellAsync(ControlPlanes[1], "rm /etc/kubernetes/pki/apiserver-etcd-client.crt");
        // The member is a static pod: it stops when its manifest goes (stopping the kubelet would leave it running).
        (await Lab.ShellAsync(EtcdHosts[2], $"rm {KnownPaths.EtcdManifest} && for i in $(seq 300); do pgrep -x etcd >/dev/null || break; sleep 0.1; done; ! pgrep -x etcd >/dev/null")).EnsureSuccess("stop the etcd member");
        await Lab.ShellAsync(LoadBalancer, "echo '# edited by hand' >> /etc/haproxy/haproxy.cfg");

        var (planExit, plan, planError) = await RunAsync("plan", "-f", Manifest, "--state-dir", StateDir);
        var (applyExit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);
        var (afterExit, after, _) = await RunAsync("plan", "-f", Manifest, "--state-dir", StateDir);
        var etcd = await ClusterChecks.EtcdAsync(Lab, EtcdHosts[0], EtcdHosts);

        Assert.Multiple(() =>
        {
            Assert.That(planExit, Is.EqualTo(2), planError);
            // A running control plane's apiserver-etcd-client pair comes back through renewal, which restarts kube-apiserver to use it.
            Assert.That(plan, Does.Contain("RenewControlPlaneCertificates").And.Contain(ControlPlanes[1].Name));
            Assert.That(plan, Does.Contain("StartEtcdMember").And.Contain(EtcdHosts[2].Name));
            Assert.That(plan, Does.Contain("ConfigureLoadBalancer").And.Contain(LoadBalancer.Name));
            Assert.That(applyExit, Is.Zero, output + error);
            Assert.That(afterExit, Is.Zero, after);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
        });
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => LabCluster.RunAsync(args);
}
