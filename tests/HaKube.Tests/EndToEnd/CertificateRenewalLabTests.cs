using System.Globalization;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Certificate renewal end to end on the lab, stacked etcd: three control planes, a worker and
/// HAProxy. kubeadm (the stand-in, through its lab-only validity setting) issues certificates that
/// live 20 days; with spec.certificateRenewalDays 10 the cluster converges with them, then the
/// window is raised to 30 and apply renews them on one control plane at a time, while etcd is
/// sampled every 100 ms through its own members and /readyz every 100 ms through the load balancer.
/// The new notAfter values are read with the real openssl on the hosts.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class CertificateRenewalLabTests
{
    private const string Name = "cert-stacked";
    private const string ShortValidity = "480h";

    private static readonly string[] Renewed =
    [
        "/etc/kubernetes/pki/apiserver.crt", "/etc/kubernetes/pki/apiserver-kubelet-client.crt", "/etc/kubernetes/pki/front-proxy-client.crt",
        "/etc/kubernetes/pki/apiserver-etcd-client.crt", "/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/peer.crt",
        "/etc/kubernetes/pki/etcd/healthcheck-client.crt",
    ];

    private static readonly string[] Kubeconfigs = ["/etc/kubernetes/admin.conf", "/etc/kubernetes/controller-manager.conf", "/etc/kubernetes/scheduler.conf"];

    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private LabHost LoadBalancer => Lab.Hosts[4];

    [OneTimeSetUp]
    public async Task StartLab()
    {
        _cluster = await LabCluster.StartAsync(5, new LabOptions("cert1", "127.0.120"), h => Manifest(h, renewalDays: 10));
        foreach (var host in ControlPlanes)
        {
            (await Lab.ShellAsync(host, $"mkdir -p /var/lib/hakube-standins && echo {ShortValidity} > /var/lib/hakube-standins/kubeadm-certificate-validity"))
                .EnsureSuccess("set the kubeadm stand-in's lab-only certificate validity");
        }
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
    public async Task Apply_ShortLivedCertificatesOutsideTheWindow_ConvergesWithoutRenewing()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var (planExit, plan, planError) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(output, Does.Not.Contain("RenewControlPlaneCertificates"));
            Assert.That(planExit, Is.Zero, plan + planError);
        });
        foreach (var host in ControlPlanes)
        {
            var notAfter = await NotAfterAsync(host, "/etc/kubernetes/pki/apiserver.crt");
            Assert.That(notAfter, Is.EqualTo(Now.AddDays(20)).Within(TimeSpan.FromDays(1)), host.Name);
        }
    }

    [Test, Order(2)]
    public async Task Plan_WindowRaisedTo30Days_RenewsOneControlPlaneNamingItsCertificates()
    {
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(Lab.Hosts, renewalDays: 30));
        // A kubelet.conf from before kubeadm 1.17: the client certificate embedded, not the rotating file.
        (await Lab.ShellAsync(ControlPlanes[1], """
            set -eu
            kc=/etc/kubernetes/kubelet.conf
            pem=$(readlink -f /var/lib/kubelet/pki/kubelet-client-current.pem)
            cert=$(openssl x509 -in "$pem" | base64 -w0)
            key=$(openssl pkey -in "$pem" | base64 -w0)
            sed -e "s|^\( *\)client-certificate: .*|\1client-certificate-data: $cert|" -e "s|^\( *\)client-key: .*|\1client-key-data: $key|" $kc > $kc.new
            chmod 600 $kc.new && mv $kc.new $kc
            grep -q client-certificate-data $kc
            """)).EnsureSuccess("embed the kubelet client certificate in kubelet.conf");

        var (exit, output, error) = await RunAsync("plan", "-f", Cluster.Manifest, "--output", "json", "--state-dir", Cluster.StateDir);

        Assert.That(exit, Is.EqualTo(2), output + error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement[0] : json.RootElement;
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        var renew = steps.Where(s => s.GetProperty("kind").GetString() == "RenewControlPlaneCertificates").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(renew, Has.Count.EqualTo(1), output);
            Assert.That(renew[0].GetProperty("hosts").EnumerateArray().Select(h => h.GetString()), Is.EqualTo(new[] { ControlPlanes[0].Name }));
            Assert.That(renew[0].GetProperty("reason").GetString(), Does.Contain("/etc/kubernetes/pki/apiserver.crt expires").And.Contain("2 of 3 voting members stay healthy"));
            Assert.That(steps.Where(s => s.GetProperty("kind").GetString() == "UseRotatingKubeletCertificate").Select(s => s.GetProperty("hosts")[0].GetString()),
                Is.EqualTo(new[] { ControlPlanes[1].Name }), output);
        });
    }

    [Test, Order(3)]
    public async Task Apply_WindowRaisedTo30Days_RenewsEveryControlPlaneWithNoQuorumLossAndNoApiOutage()
    {
        var podsBefore = await PodProcessesAsync();
        await using var etcd = await EtcdQuorumWatcher.StartAsync(ControlPlanes[0], ControlPlanes);
        await using var api = ApiEndpointWatcher.Start(ControlPlanes[0], LoadBalancer.Address);
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
        var podsAfter = await PodProcessesAsync();
        Assert.That(podsAfter.Keys, Is.EquivalentTo(podsBefore.Keys));
        Assert.That(podsAfter.Where(p => podsBefore[p.Key] == p.Value).Select(p => p.Key), Is.Empty, "static pods the renewal did not restart");
        foreach (var host in ControlPlanes)
        {
            foreach (var path in Renewed.Concat(Kubeconfigs))
            {
                var notAfter = await NotAfterAsync(host, path);
                Assert.That(notAfter, Is.GreaterThan(Now.AddDays(300)), $"{host.Name}:{path}");
            }
        }
    }

    [Test, Order(4)]
    public async Task Apply_AfterRenewal_KubeletConfNamesTheRotatingFileAndTheStoredAdminKubeconfigIsRenewed()
    {
        var kubeletConf = await Lab.ShellAsync(ControlPlanes[1], "cat /etc/kubernetes/kubelet.conf; systemctl is-active kubelet");
        var stored = await File.ReadAllTextAsync(Path.Combine(Cluster.StateDir, "clusters", Name, "admin.conf"));
        var (planExit, plan, planError) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlanes[2]);

        Assert.Multiple(() =>
        {
            Assert.That(kubeletConf.StandardOutput, Does.Not.Contain("client-certificate-data"));
            Assert.That(kubeletConf.StandardOutput, Does.Contain("client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem"));
            Assert.That(kubeletConf.StandardOutput.TrimEnd(), Does.EndWith("active"));
            Assert.That(StoredClientCertificateNotAfter(stored), Is.GreaterThan(Now.AddDays(300)));
            Assert.That(planExit, Is.Zero, plan + planError);
            Assert.That(nodes, Is.EquivalentTo(Lab.Hosts.Take(4).Select(h => h.Name)));
        });
    }

    /// <summary>"host/manifest" to the process the kubelet stand-in runs for that static pod.</summary>
    private async Task<Dictionary<string, string>> PodProcessesAsync()
    {
        var pods = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var host in ControlPlanes)
        {
            var result = (await Lab.ShellAsync(host, """for f in /run/hakube-standins/pods/*.json; do printf '%s %s\n' "$(basename "$f" .json)" "$(grep -o '"pid": [0-9]*' "$f")"; done"""))
                .EnsureSuccess($"list the static pods on {host.Name}");
            foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (pod, pid) = (line.Split(' ', 2)[0], line.Split(' ', 2)[1]);
                pods[$"{host.Name}/{pod}"] = pid;
            }
        }

        Assert.That(pods.Keys.Count(k => k.EndsWith("/etcd.yaml", StringComparison.Ordinal)), Is.EqualTo(3), string.Join(", ", pods));
        return pods;
    }

    private async Task<DateTimeOffset> NotAfterAsync(LabHost host, string path)
    {
        var read = path.EndsWith(".conf", StringComparison.Ordinal)
            ? $"sed -n 's/^ *client-certificate-data: *//p' {path} | base64 -d | openssl x509 -noout -enddate"
            : $"openssl x509 -noout -enddate -in {path}";
        var result = (await Lab.ShellAsync(host, read)).EnsureSuccess($"read the notAfter of {path} on {host.Name}");
        // "notAfter=Dec 19 14:10:02 2026 GMT"
        var text = result.StandardOutput.Trim()["notAfter=".Length..].Replace("  ", " ", StringComparison.Ordinal);
        return DateTimeOffset.ParseExact(text, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static DateTimeOffset StoredClientCertificateNotAfter(string kubeconfig)
    {
        var line = kubeconfig.Split('\n').Single(l => l.TrimStart().StartsWith("client-certificate-data:", StringComparison.Ordinal));
        var pem = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(line.Split(':', 2)[1].Trim()));
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    private static string Manifest(IReadOnlyList<LabHost> h, int renewalDays) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{Name}}}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{h[4].Address}}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{{h[4].Name}}]}
          etcd: {topology: Stacked}
          networking: {podSubnet: 192.168.0.0/16, cni: None}
          certificateRenewalDays: {{renewalDays}}
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
          - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [ControlPlane]}
          - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [ControlPlane]}
          - {name: {{h[3].Name}}, address: "{{h[3].Address}}", roles: [Worker]}
          - {name: {{h[4].Name}}, address: "{{h[4].Address}}", roles: [LoadBalancer]}

        """;

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => LabCluster.RunAsync(args);
}
