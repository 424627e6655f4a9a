using System.Globalization;
using System.Runtime.Versioning;
using HaKube.Actions.Pki;
using HaKube.Actions.State;
using HaKube.Model.Loading;
using HaKube.Tests.Lab;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Renewal of the certificates HaKube issues for External etcd, end to end on the lab: three
/// control planes, three etcd hosts and HAProxy. Before the first apply the test puts into the state
/// store etcd certificates issued 350 days ago (a time-shifted clock), so they have 15 days left; with
/// spec.certificateRenewalDays 10 the cluster converges with them, then the window is raised to 30
/// and apply reissues them, restarts the members one at a time and kube-apiserver on one control
/// plane at a time, while etcd and the endpoint's /readyz are sampled every 100 ms.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(10)]
[SupportedOSPlatform("linux")]
public sealed class ExternalCertificateRenewalLabTests
{
    private const string Name = "cert-external";

    private static readonly string[] MemberCertificates = ["/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/peer.crt", "/etc/kubernetes/pki/etcd/healthcheck-client.crt"];

    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private List<LabHost> EtcdHosts => Lab.Hosts.Skip(3).Take(3).ToList();

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    [OneTimeSetUp]
    public async Task StartLab()
    {
        _cluster = await LabCluster.StartAsync(7, new LabOptions("cert2", "127.0.121"), h => Manifest(h, renewalDays: 10));
        var parsed = ManifestParser.Parse(await File.ReadAllTextAsync(Cluster.Manifest), Cluster.Manifest);
        Assert.That(parsed.Succeeded, Is.True, string.Join("\n", parsed.Errors));
        var spec = parsed.Manifests.Single().Cluster.Spec;
        var store = new ClusterStateStore(Cluster.StateDir, Name);
        var authorities = await store.GetOrCreateAuthoritiesAsync(new ClusterPkiIssuer(new CertificateFactory(TimeProvider.System)).CreateAuthorities, CancellationToken.None);
        var issuedLongAgo = new ClusterPkiIssuer(new CertificateFactory(new FakeTimeProvider(Now.AddDays(-350))));
        await store.GetOrIssueExternalEtcdAsync(spec, issuedLongAgo, authorities, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test, Order(1)]
    public async Task Apply_StoredCertificatesOutsideTheWindow_ConvergesWithThem()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);

        Assert.That(exit, Is.Zero, output + error);
        foreach (var host in EtcdHosts)
        {
            Assert.That(await NotAfterAsync(host, MemberCertificates[0]), Is.EqualTo(Now.AddDays(15)).Within(TimeSpan.FromDays(1)), host.Name);
        }

        Assert.That(await NotAfterAsync(ControlPlanes[0], "/etc/kubernetes/pki/apiserver-etcd-client.crt"), Is.EqualTo(Now.AddDays(15)).Within(TimeSpan.FromDays(1)));
    }

    [Test, Order(2)]
    public async Task Apply_WindowRaisedTo30Days_ReissuesRestartsMembersAndApiServersWithNoQuorumLossAndNoApiOutage()
    {
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(Lab.Hosts, renewalDays: 30));
        await using var etcd = await EtcdQuorumWatcher.StartAsync(EtcdHosts[0], EtcdHosts);
        await using var api = ApiEndpointWatcher.Start(ControlPlanes[0], Lab.Hosts[6].Address);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (exit, output, error) = await RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);

        var took = clock.Elapsed;
        var etcdReport = await etcd.StopAsync();
        var apiReport = await api.StopAsync();
        TestContext.Out.WriteLine($"renewal apply took {took.TotalSeconds:0.0} s; etcd watch: {etcdReport}; API watch: {apiReport} {string.Join("; ", apiReport.Failures)}");
        TestContext.Out.WriteLine(output);
        Assert.That(exit, Is.Zero, output + error);
        etcdReport.AssertHeld();
        apiReport.AssertNoOutage();
        foreach (var host in EtcdHosts)
        {
            foreach (var path in MemberCertificates)
            {
                Assert.That(await NotAfterAsync(host, path), Is.GreaterThan(Now.AddDays(300)), $"{host.Name}:{path}");
            }
        }

        foreach (var host in ControlPlanes)
        {
            Assert.That(await NotAfterAsync(host, "/etc/kubernetes/pki/apiserver-etcd-client.crt"), Is.GreaterThan(Now.AddDays(300)), host.Name);
        }

        var (planExit, plan, planError) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        Assert.That(planExit, Is.Zero, plan + planError);
    }

    private async Task<DateTimeOffset> NotAfterAsync(LabHost host, string path)
    {
        var result = (await Lab.ShellAsync(host, $"openssl x509 -noout -enddate -in {path}")).EnsureSuccess($"read the notAfter of {path} on {host.Name}");
        var text = result.StandardOutput.Trim()["notAfter=".Length..].Replace("  ", " ", StringComparison.Ordinal);
        return DateTimeOffset.ParseExact(text, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static string Manifest(IReadOnlyList<LabHost> h, int renewalDays) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{Name}}}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{h[6].Address}}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{{h[6].Name}}]}
          etcd: {topology: External, hosts: [{{h[3].Name}}, {{h[4].Name}}, {{h[5].Name}}]}
          networking: {podSubnet: 192.168.0.0/16, cni: None}
          certificateRenewalDays: {{renewalDays}}
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
          - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [ControlPlane]}
          - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [ControlPlane]}
          - {name: {{h[3].Name}}, address: "{{h[3].Address}}", roles: [Etcd]}
          - {name: {{h[4].Name}}, address: "{{h[4].Address}}", roles: [Etcd]}
          - {name: {{h[5].Name}}, address: "{{h[5].Address}}", roles: [Etcd]}
          - {name: {{h[6].Name}}, address: "{{h[6].Address}}", roles: [LoadBalancer]}

        """;

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => LabCluster.RunAsync(args);
}
