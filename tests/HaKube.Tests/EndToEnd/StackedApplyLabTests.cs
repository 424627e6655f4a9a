using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// hakube apply end to end on the lab with the Kubernetes stand-ins: three stacked control planes,
/// two workers and HAProxy. Converges, then plans nothing, and repairs drift.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(5)]
[SupportedOSPlatform("linux")]
public sealed class StackedApplyLabTests
{
    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    private string Manifest => Cluster.Manifest;

    private string StateDir => Cluster.StateDir;

    [OneTimeSetUp]
    public async Task StartLab() =>
        _cluster = await LabCluster.StartAsync(6, new LabOptions("hke2es", "127.0.62"), h => $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-stacked}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[5].Address}}", port: 6443}
              loadBalancer: {provider: HAProxy, hosts: [{{h[5].Name}}]}
              etcd: {topology: Stacked}
              networking: {podSubnet: 192.168.0.0/16, cni: Calico}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:
              - {name: {{h[0].Name}}, address: "{{h[0].Address}}", roles: [ControlPlane]}
              - {name: {{h[1].Name}}, address: "{{h[1].Address}}", roles: [ControlPlane]}
              - {name: {{h[2].Name}}, address: "{{h[2].Address}}", roles: [ControlPlane]}
              - {name: {{h[3].Name}}, address: "{{h[3].Address}}", roles: [Worker], labels: {zone: a} }
              - {name: {{h[4].Name}}, address: "{{h[4].Address}}", roles: [Worker]}
              - {name: {{h[5].Name}}, address: "{{h[5].Address}}", roles: [LoadBalancer]}

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
    public async Task Apply_FreshHosts_ConvergesAndKeepsTheAdminKubeconfig()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Manifest, "--yes", "--state-dir", StateDir);

        Assert.That(exit, Is.Zero, output + error);
        var (kubeconfigExit, kubeconfig, _) = await RunAsync("kubeconfig", "e2e-stacked", "--state-dir", StateDir);
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

    // The watchers the day-two lab tests rely on must be able to fail: they are proven here, on this
    // converged cluster, against a real outage (processes paused with SIGSTOP, so nothing restarts them).
    [Test, Order(6)]
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
    [Test, Order(5)]
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
