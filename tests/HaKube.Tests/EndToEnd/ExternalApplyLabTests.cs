using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Actions.Pki;
using HaKube.Actions.State;
using HaKube.Model.Facts;
using HaKube.Model.Loading;
using HaKube.Tests.Lab;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// hakube apply end to end on the lab with external etcd: three control planes, three etcd hosts
/// run by HaKube (real etcd under the systemctl stand-in), two workers and HAProxy (real haproxy).
/// Before the first apply the test puts into the state store etcd certificates issued 350 days ago
/// (a time-shifted clock), so they have 15 days left; with spec.certificateRenewalDays 10 the
/// cluster converges with them. Then it plans nothing, and repairs drift: a deleted certificate, a
/// stopped etcd member, an edited HAProxy configuration. Last, the renewal window is raised to 30
/// days and apply reissues the etcd certificates, restarts the members one at a time and
/// kube-apiserver on one control plane at a time, while etcd and the endpoint's /readyz are sampled
/// every 100 ms. One converged cluster for all of it, rather than one per scenario.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(8)]
[SupportedOSPlatform("linux")]
public sealed class ExternalApplyLabTests() : LabClusterFixture(9, new LabOptions("hke2ex", "127.0.63"), h => ClusterManifest(h, renewalDays: 10))
{
    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private List<LabHost> EtcdHosts => Lab.Hosts.Skip(3).Take(3).ToList();

    private List<LabHost> Workers => Lab.Hosts.Skip(6).Take(2).ToList();

    private LabHost LoadBalancer => Lab.Hosts[8];

    private string Manifest => Cluster.Manifest;

    private string StateDir => Cluster.StateDir;

    private const string Name = "e2e-external";

    private static readonly string[] MemberCertificates = ["/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/peer.crt", "/etc/kubernetes/pki/etcd/healthcheck-client.crt"];

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    protected override async Task StartAsync()
    {
        await base.StartAsync();
        var parsed = ManifestParser.Parse(await File.ReadAllTextAsync(Cluster.Manifest), Cluster.Manifest);
        Assert.That(parsed.Succeeded, Is.True, string.Join("\n", parsed.Errors));
        var spec = parsed.Manifests.Single().Cluster.Spec;
        var store = new ClusterStateStore(Cluster.StateDir, Name);
        var authorities = await store.GetOrCreateAuthoritiesAsync(new ClusterPkiIssuer(new CertificateFactory(TimeProvider.System)).CreateAuthorities, CancellationToken.None);
        var issuedLongAgo = new ClusterPkiIssuer(new CertificateFactory(new FakeTimeProvider(Now.AddDays(-350))));
        await store.GetOrIssueExternalEtcdAsync(spec, issuedLongAgo, authorities, CancellationToken.None);
    }

    private static string ClusterManifest(IReadOnlyList<LabHost> h, int renewalDays) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{Name}}}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{h[8].Address}}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{{h[8].Name}}]}
          etcd: {topology: External, hosts: [{{h[3].Name}}, {{h[4].Name}}, {{h[5].Name}}]}
          networking: {podSubnet: 192.168.0.0/16, cni: Calico}
          certificateRenewalDays: {{renewalDays}}
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

        """;

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
    public async Task Apply_StoredCertificatesOutsideTheWindow_ConvergedWithThem()
    {
        foreach (var host in EtcdHosts)
        {
            Assert.That(await ClusterChecks.NotAfterAsync(Lab, host, MemberCertificates[0]), Is.EqualTo(Now.AddDays(15)).Within(TimeSpan.FromDays(1)), host.Name);
        }

        Assert.That(await ClusterChecks.NotAfterAsync(Lab, ControlPlanes[0], "/etc/kubernetes/pki/apiserver-etcd-client.crt"), Is.EqualTo(Now.AddDays(15)).Within(TimeSpan.FromDays(1)));
    }

    [Test, Order(3)]
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

    [Test, Order(4)]
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

    [Test, Order(5)]
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

    [Test, Order(6)]
    public async Task Apply_WindowRaisedTo30Days_ReissuesRestartsMembersAndApiServersWithNoQuorumLossAndNoApiOutage()
    {
        await File.WriteAllTextAsync(Cluster.Manifest, ClusterManifest(Lab.Hosts, renewalDays: 30));
        await ClusterChecks.ApplyWatchedAsync(Cluster, EtcdHosts, ControlPlanes[0], LoadBalancer, "renewal", ControlPlanes);
        foreach (var host in EtcdHosts)
        {
            foreach (var path in MemberCertificates)
            {
                Assert.That(await ClusterChecks.NotAfterAsync(Lab, host, path), Is.GreaterThan(Now.AddDays(300)), $"{host.Name}:{path}");
            }
        }

        foreach (var host in ControlPlanes)
        {
            Assert.That(await ClusterChecks.NotAfterAsync(Lab, host, "/etc/kubernetes/pki/apiserver-etcd-client.crt"), Is.GreaterThan(Now.AddDays(300)), host.Name);
        }

        var (planExit, plan, planError) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        Assert.That(planExit, Is.Zero, plan + planError);
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => LabCluster.RunAsync(args);
}
