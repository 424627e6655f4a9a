using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// hakube apply end to end on the lab with the Kubernetes stand-ins: three stacked control planes,
/// two workers and HAProxy. kubeadm (the stand-in, through its lab-only validity setting) issues
/// certificates that live 20 days; with spec.certificateRenewalDays 10 the cluster converges with
/// them, then plans nothing, and repairs drift. Then the renewal window is raised to 30 days and
/// apply renews the certificates on one control plane at a time, while etcd is sampled every 100 ms
/// through its own members and /readyz every 100 ms through the load balancer (the new notAfter
/// values read with the real openssl on the hosts). Last, the watchers those day-two proofs rely on
/// are shown to fail on a real outage. One converged cluster for all of it.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(5)]
[SupportedOSPlatform("linux")]
public sealed class StackedApplyLabTests() : LabClusterFixture(6, new LabOptions("hke2es", "127.0.62"), h => ClusterManifest(h, renewalDays: 10))
{
    private string Manifest => Cluster.Manifest;

    private string StateDir => Cluster.StateDir;

    private const string Name = "e2e-stacked";
    private const string ShortValidity = "480h";

    private static readonly string[] Renewed =
    [
        "/etc/kubernetes/pki/apiserver.crt", "/etc/kubernetes/pki/apiserver-kubelet-client.crt", "/etc/kubernetes/pki/front-proxy-client.crt",
        "/etc/kubernetes/pki/apiserver-etcd-client.crt", "/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/peer.crt",
        "/etc/kubernetes/pki/etcd/healthcheck-client.crt",
    ];

    private static readonly string[] Kubeconfigs = ["/etc/kubernetes/admin.conf", "/etc/kubernetes/controller-manager.conf", "/etc/kubernetes/scheduler.conf"];

    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private LabHost LoadBalancer => Lab.Hosts[5];

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    protected override async Task StartAsync()
    {
        await base.StartAsync();
        foreach (var host in ControlPlanes)
        {
            (await Lab.ShellAsync(host, $"mkdir -p /var/lib/hakube-standins && echo {ShortValidity} > /var/lib/hakube-standins/kubeadm-certificate-validity"))
                .EnsureSuccess("set the kubeadm stand-in's lab-only certificate validity");
        }
    }

    private static string ClusterManifest(IReadOnlyList<LabHost> h, int renewalDays) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{Name}}}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{h[5].Address}}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{{h[5].Name}}]}
          etcd: {topology: Stacked}
          networking: {podSubnet: 192.168.0.0/16, cni: Calico}
          certificateRenewalDays: {{renewalDays}}
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
          - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [ControlPlane]}
          - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [ControlPlane]}
          - {name: {{h[3].Name}}, address: "{{h[3].Address}}", roles: [Worker], labels: {zone: a} }
          - {name: {{h[4].Name}}, address: "{{h[4].Address}}", roles: [Worker]}
          - {name: {{h[5].Name}}, address: "{{h[5].Address}}", roles: [LoadBalancer]}

        """;

    [Test, Order(1)]
    public async Task Apply_FreshHosts_ConvergesAndKeepsTheAdminKubeconfig()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);

        Assert.That(exit, Is.Zero, output + error);
        Assert.That(output, Does.Not.Contain("RenewControlPlaneCertificates"), "the 20-day certificates are outside the 10-day window");
        var (kubeconfigExit, kubeconfig, _) = await RunAsync("kubeconfig", Name, "--state-dir", StateDir);
        Assert.Multiple(() =>
        {
            Assert.That(kubeconfigExit, Is.Zero);
            Assert.That(kubeconfig, Does.Contain($"server: https://{Lab.Hosts[5].Address}:6443"));
        });
    }

    [Test, Order(2)]
    public async Task Apply_Converged_EtcdHaproxyNodesAndFilesAreWhatTheSpecSays()
    {
        var controlPlanes = Lab.Hosts.Take(3).ToList();
        var etcd = await ClusterChecks.EtcdAsync(Lab, controlPlanes[0], controlPlanes);
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, Lab.Hosts[5]);
        var nodes = await ClusterChecks.NodesAsync(Lab, controlPlanes[0]);

        Assert.Multiple(() =>
        {
            Assert.That(etcd.Members, Is.EquivalentTo(controlPlanes.Select(h => h.Name)), etcd.Output);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(backends.Keys, Is.EquivalentTo(controlPlanes.Select(h => h.Name)));
            Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
            Assert.That(nodes, Is.EquivalentTo(Lab.Hosts.Take(5).Select(h => h.Name)));
        });
        var tokens = await Lab.ShellAsync(controlPlanes[0], "kubeadm token list --kubeconfig /etc/kubernetes/admin.conf");
        Assert.That(tokens.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), Is.Empty, "bootstrap tokens left after init and joins: " + tokens.StandardOutput + tokens.StandardError);
        foreach (var host in controlPlanes)
        {
            Assert.That(await ClusterChecks.PkiFilesAsync(Lab, host), Is.EqualTo(ClusterChecks.ControlPlanePki(stacked: true)), host.Name);
        }

        foreach (var host in Lab.Hosts.Skip(3).Take(2))
        {
            Assert.That(await ClusterChecks.PkiFilesAsync(Lab, host), Is.EqualTo(ClusterChecks.WorkerPki), host.Name);
        }
    }

    [Test, Order(2)]
    public async Task Probe_Converged_ReportsTheMembersOnControlPlanesThatHaveNoEtcdctl()
    {
        var controlPlanes = Lab.Hosts.Take(3).ToList();
        var (exit, output, error) = await RunAsync("probe", "-f", Manifest, "--output", "json");

        Assert.That(exit, Is.Zero, output + error);
        using var json = JsonDocument.Parse(output);
        var hosts = ClusterChecks.ProbedHosts(json.RootElement);
        foreach (var host in controlPlanes)
        {
            var onHost = await Lab.ShellAsync(host, "command -v etcdctl etcd || true");
            var etcd = hosts[host.Name].GetProperty("etcd");
            Assert.Multiple(() =>
            {
                Assert.That(onHost.StandardOutput.Trim(), Is.Empty, $"{host.Name} has etcd tools on its PATH");
                Assert.That(etcd.GetProperty("healthy").GetBoolean(), Is.True, etcd.ToString());
                Assert.That(etcd.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()), Is.EquivalentTo(controlPlanes.Select(h => h.Name)), etcd.ToString());
                Assert.That(etcd.GetProperty("version").GetString(), Does.StartWith("3.5."), etcd.ToString());
            });
        }
    }

    [Test, Order(2)]
    public async Task Apply_ShortLivedCertificatesOutsideTheWindow_ConvergedWithThem()
    {
        foreach (var host in ControlPlanes)
        {
            var notAfter = await ClusterChecks.NotAfterAsync(Lab, host, "/etc/kubernetes/pki/apiserver.crt");
            Assert.That(notAfter, Is.EqualTo(Now.AddDays(20)).Within(TimeSpan.FromDays(1)), host.Name);
        }
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
    public async Task Apply_DriftedHosts_PlanNamesTheDriftAndApplyRepairsIt()
    {
        await Lab.ShellAsync(Lab.Hosts[1], "rm /etc/kubernetes/pki/front-proxy-ca.crt");
        await Lab.ShellAsync(Lab.Hosts[5], "echo '# edited' >> /etc/haproxy/haproxy.cfg");
        // Files that only matter at the next reboot: the live values (ip_forward, loaded modules) still hold.
        await Lab.ShellAsync(Lab.Hosts[3], "rm /etc/sysctl.d/99-hakube-kubernetes.conf");
        await Lab.ShellAsync(Lab.Hosts[2], "rm /etc/modules-load.d/hakube-kubernetes.conf");

        var (planExit, plan, planError) = await RunAsync("plan", "-f", Manifest, "--output", "json", "--state-dir", StateDir);
        var (applyExit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);
        var (afterExit, after, _) = await RunAsync("plan", "-f", Manifest, "--state-dir", StateDir);
        var restored = await Lab.ShellAsync(Lab.Hosts[3], "cat /etc/sysctl.d/99-hakube-kubernetes.conf");
        var modules = await Lab.ShellAsync(Lab.Hosts[2], "cat /etc/modules-load.d/hakube-kubernetes.conf");

        Assert.Multiple(() =>
        {
            Assert.That(planExit, Is.EqualTo(2), planError);
            Assert.That(plan, Does.Contain("DistributeCertificateAuthorities").And.Contain("ConfigureLoadBalancer"));
            Assert.That(plan, Does.Contain("/etc/sysctl.d/99-hakube-kubernetes.conf missing").And.Contain("/etc/modules-load.d/hakube-kubernetes.conf missing"));
            Assert.That(applyExit, Is.Zero, output + error);
            Assert.That(afterExit, Is.Zero, after);
            Assert.That(restored.StandardOutput, Does.Contain("net.ipv4.ip_forward = 1"));
            Assert.That(modules.StandardOutput, Does.Contain("br_netfilter"));
        });
    }

    [Test, Order(5)]
    public async Task Plan_WindowRaisedTo30Days_RenewsOneControlPlaneNamingItsCertificates()
    {
        await File.WriteAllTextAsync(Cluster.Manifest, ClusterManifest(Lab.Hosts, renewalDays: 30));
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

    [Test, Order(6)]
    public async Task Apply_WindowRaisedTo30Days_RenewsEveryControlPlaneWithNoQuorumLossAndNoApiOutage()
    {
        var podsBefore = await PodProcessesAsync();
        await ClusterChecks.ApplyWatchedAsync(Cluster, ControlPlanes, ControlPlanes[0], LoadBalancer, "renewal", ControlPlanes);
        var podsAfter = await PodProcessesAsync();
        Assert.That(podsAfter.Keys, Is.EquivalentTo(podsBefore.Keys));
        Assert.That(podsAfter.Where(p => podsBefore[p.Key] == p.Value).Select(p => p.Key), Is.Empty, "static pods the renewal did not restart");
        foreach (var host in ControlPlanes)
        {
            foreach (var path in Renewed.Concat(Kubeconfigs))
            {
                var notAfter = await ClusterChecks.NotAfterAsync(Lab, host, path);
                Assert.That(notAfter, Is.GreaterThan(Now.AddDays(300)), $"{host.Name}:{path}");
            }
        }
    }

    [Test, Order(7)]
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
            Assert.That(nodes, Is.EquivalentTo(Lab.Hosts.Take(5).Select(h => h.Name)));
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

    private static DateTimeOffset StoredClientCertificateNotAfter(string kubeconfig)
    {
        var line = kubeconfig.Split('\n').Single(l => l.TrimStart().StartsWith("client-certificate-data:", StringComparison.Ordinal));
        var pem = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(line.Split(':', 2)[1].Trim()));
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    // The watchers the day-two lab tests rely on must be able to fail: they are proven here, on this
    // converged cluster, against a real outage (processes paused with SIGSTOP, so nothing restarts them).
    [Test, Order(9)]
    public async Task EtcdQuorumWatcher_QuietClusterThenTwoOfThreeMembersPaused_HoldsThenReportsQuorumLost()
    {
        var controlPlanes = Lab.Hosts.Take(3).ToList();
        await using var quiet = await EtcdQuorumWatcher.StartAsync(controlPlanes[0], controlPlanes);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var held = await quiet.StopAsync();

        await using var watcher = await EtcdQuorumWatcher.StartAsync(controlPlanes[0], controlPlanes);
        await Task.Delay(TimeSpan.FromSeconds(1));
        try
        {
            foreach (var host in controlPlanes.Skip(1))
            {
                var paused = await Lab.ShellAsync(host, "pkill -STOP -x etcd");
                Assert.That(paused.Succeeded, Is.True, $"pkill on {host.Name}: {paused.StandardError}");
            }

            // Longer than a probe and its retry (3 s each): a probe sent into the pause fails twice.
            await Task.Delay(TimeSpan.FromSeconds(8));
        }
        finally
        {
            await Lab.ShellAsync(controlPlanes[1], "pkill -CONT -x etcd");
            await Lab.ShellAsync(controlPlanes[2], "pkill -CONT -x etcd");
        }

        var lost = await watcher.StopAsync();

        held.AssertHeld();
        TestContext.Out.WriteLine($"quiet: {held}; paused: {lost}; {string.Join("; ", lost.QuorumLost.Take(3))}");
        Assert.Multiple(() =>
        {
            Assert.That(held.MaxVoting, Is.EqualTo(3), held.ToString());
            Assert.That(lost.QuorumLost, Is.Not.Empty, lost.ToString());
            Assert.That(lost.MissingKeys, Is.Empty, lost.ToString());
        });
    }

    // Before the etcd outage below: the API server stays unready for a while after its etcd recovers.
    [Test, Order(8)]
    public async Task ApiEndpointWatcher_LoadBalancerPaused_ReportsTheOutage()
    {
        var loadBalancer = Lab.Hosts[5];
        await using var quiet = ApiEndpointWatcher.Start(Lab.Hosts[0], loadBalancer.Address);
        // A count, not a time: on a loaded machine the first TLS connections alone can take a second.
        await quiet.WaitForSamplesAsync(10, TimeSpan.FromMinutes(1));
        var up = await quiet.StopAsync();

        await using var watcher = ApiEndpointWatcher.Start(Lab.Hosts[0], loadBalancer.Address);
        try
        {
            var paused = await Lab.ShellAsync(loadBalancer, "pkill -STOP -x haproxy");
            Assert.That(paused.Succeeded, Is.True, $"pkill on {loadBalancer.Name}: {paused.StandardError}");
            // Longer than a probe and its retry (3 s each): a probe sent into the pause fails twice.
            await Task.Delay(TimeSpan.FromSeconds(8));
        }
        finally
        {
            await Lab.ShellAsync(loadBalancer, "pkill -CONT -x haproxy");
        }

        var down = await watcher.StopAsync();

        up.AssertNoOutage();
        Assert.That(down.Failures, Is.Not.Empty, down.ToString());
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => LabCluster.RunAsync(args);
}
