using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Actions.Ssh;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Reconciler.Manifests;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Kubernetes upgrades end to end on the lab: three stacked control planes, one worker and
/// HAProxy, built at v1.31.4. A downgrade and a skipped minor are refused and touch no host; the
/// patch upgrade to v1.31.5 and the minor upgrade to v1.32.1 converge one host at a time while a
/// watcher samples the real etcd every 100 ms (no majority lost, every key kept), after which
/// every node reports the new kubelet and every host the new kubeadm; and a control plane
/// powered off in the middle of the upgrade to v1.32.2 is converged by the next apply once it is
/// back, with no manual step. The tests run in order on one lab.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class UpgradeLabTests
{
    // Bounds every apply: a host's upgrade takes well under a minute on a quiet lab; the machine is shared.
    private static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(12);

    private LabCluster? _cluster;

    private LabCluster Cluster => _cluster ?? throw new InvalidOperationException("lab not started");

    private LabHosts Lab => Cluster.Lab;

    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private List<LabHost> Nodes => Lab.Hosts.Take(4).ToList();

    [OneTimeSetUp]
    public async Task StartLab() =>
        _cluster = await LabCluster.StartAsync(5, new LabOptions("upg1", "127.0.130"), h => Manifest(h, "v1.31.4"));

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Test, Order(1)]
    public async Task Apply_V1314_ConvergesTheClusterToUpgrade()
    {
        var (exit, output, error) = await RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);

        Assert.That(exit, Is.Zero, output + error);
        await AssertEveryHostAtAsync("v1.31.4");
    }

    [Test, Order(2)]
    public Task Apply_Downgrade_SaysWhyAndLeavesEveryHostUntouched() => RefusedAsync("v1.31.3", "a downgrade: ");

    [Test, Order(3)]
    public Task Apply_SkippedMinor_SaysWhyAndLeavesEveryHostUntouched() => RefusedAsync("v1.33.0", "v1.31.4 to v1.33.0 skips a minor");

    [Test, Order(4)]
    public Task Apply_PatchRaised_UpgradesHostByHostWithoutLosingEtcdQuorum() => UpgradeAsync("v1.31.5");

    [Test, Order(5)]
    public Task Apply_MinorRaised_UpgradesHostByHostWithoutLosingEtcdQuorum() => UpgradeAsync("v1.32.1");

    private async Task RefusedAsync(string version, string reason)
    {
        var before = await FingerprintAsync();
        await WriteManifestAsync(version);

        var (planExit, plan, planError) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var (exit, output, error) = await RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var after = await FingerprintAsync();
        await WriteManifestAsync("v1.31.4");

        Assert.Multiple(() =>
        {
            Assert.That(planExit, Is.Not.Zero, plan + planError);
            Assert.That(plan + planError, Does.Contain(reason));
            Assert.That(exit, Is.EqualTo(1), output + error);
            Assert.That(error, Does.Contain("nothing can be done").And.Contain(reason));
            Assert.That(after, Is.EqualTo(before), "a refused upgrade changed a host");
        });
    }

    private async Task UpgradeAsync(string version)
    {
        await WriteManifestAsync(version);
        using var limit = new CancellationTokenSource(ApplyLimit);
        await using var session = await OpenAsync(limit.Token);
        var (_, _, first) = await new ApplyLoop(session.Session, PlannerProvider.Default).PlanOnceAsync(limit.Token);
        // The probe above opened every SSH connection: the handshakes (CPU-bound, in this process)
        // are done before the watcher starts, so its 100 ms samples measure etcd, not this process.
        await using var watcher = await EtcdQuorumWatcher.StartAsync(ControlPlanes[0], ControlPlanes);
        var started = TimeProvider.System.GetTimestamp();

        var result = await new ApplyLoop(session.Session, PlannerProvider.Default).RunAsync(limit.Token);
        var report = await watcher.StopAsync();
        var (planExit, plan, _) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        await TestContext.Out.WriteLineAsync($"upgrade to {version}: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0} s, {result.Rounds} rounds; etcd watcher: {report}");

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(s => (s.Kind, s.Hosts.Single())), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, ControlPlanes[0].Name) }), "the first control plane first, alone");
            Assert.That(result.Converged, Is.True, result.Error);
            Assert.That(result.StepsRun, Is.EqualTo(4), "one step per node: three control planes and the worker");
            Assert.That(planExit, Is.Zero, plan);
        });
        report.AssertHeld();
        await AssertEveryHostAtAsync(version);
    }

    [Test, Order(6)]
    public async Task Apply_ControlPlanePoweredOffMidUpgrade_NextApplyConvergesOnceItIsBack()
    {
        var victim = ControlPlanes[1];
        await WriteManifestAsync("v1.32.2");
        using var limit = new CancellationTokenSource(ApplyLimit);
        await using var session = await OpenAsync(limit.Token);
        await new ApplyLoop(session.Session, PlannerProvider.Default).PlanOnceAsync(limit.Token);
        await using var watcher = await EtcdQuorumWatcher.StartAsync(ControlPlanes[0], ControlPlanes);
        var powerOff = new PowerOffDuringUpgrade(Lab, victim);

        var interrupted = await new ApplyLoop(session.Session, PlannerProvider.Default, powerOff).RunAsync(limit.Token);
        await powerOff.Done.WaitAsync(limit.Token);
        var (_, _, whileOff) = await new ApplyLoop(session.Session, PlannerProvider.Default).PlanOnceAsync(limit.Token);
        await Lab.PowerOnAsync(victim, limit.Token);
        var (exit, output, error) = await RunAsync("apply", "-f", Cluster.Manifest, "--yes", "--state-dir", Cluster.StateDir);
        var (planExit, plan, _) = await RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync($"interrupted apply: {interrupted.Error}; etcd watcher: {report}");

        Assert.Multiple(() =>
        {
            Assert.That(interrupted.Converged, Is.False, "the apply went on as if the control plane had not been lost");
            Assert.That(interrupted.Error, Does.Contain(victim.Name));
            Assert.That(whileOff.Steps, Is.Empty, "nothing is upgraded while a host is down");
            Assert.That(whileOff.Refusals.Select(r => r.Reason), Has.Some.Contains($"degraded: {victim.Name} unreachable"));
            Assert.That(exit, Is.Zero, output + error);
            Assert.That(planExit, Is.Zero, plan);
        });
        report.AssertHeld();
        await AssertEveryHostAtAsync("v1.32.2");
    }

    /// <summary>A session on the manifest as it is now, with its own connection pool (closed on dispose).</summary>
    private async Task<OpenSession> OpenAsync(CancellationToken cancellationToken)
    {
        var pool = new SshConnectionPool();
        var loaded = await ManifestFiles.LoadAsync([Cluster.Manifest], cancellationToken);
        var (session, key) = await SessionFactory.CreateAsync(loaded.Manifests.Single(), pool, Cluster.StateDir, cancellationToken);
        return new OpenSession(session, key, pool);
    }

    private static string Manifest(IReadOnlyList<LabHost> h, string version) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: upgrade}
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

    private Task WriteManifestAsync(string version) => File.WriteAllTextAsync(Cluster.Manifest, Manifest(Lab.Hosts, version));

    /// <summary>Every node's kubelet as the API reports it, every node's kubeadm and kubectl, every control plane's static pod images and the cluster's kubeadm-config at <paramref name="version"/>.</summary>
    private async Task AssertEveryHostAtAsync(string version)
    {
        var nodes = await Lab.ShellAsync(ControlPlanes[0], "kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json");
        Assert.That(nodes.Succeeded, Is.True, nodes.StandardError);
        using var json = JsonDocument.Parse(nodes.StandardOutput);
        var reported = json.RootElement.GetProperty("items").EnumerateArray().ToDictionary(
            n => n.GetProperty("metadata").GetProperty("name").GetString()!,
            n => (n.GetProperty("status").GetProperty("nodeInfo").GetProperty("kubeletVersion").GetString(), n.GetProperty("spec").TryGetProperty("unschedulable", out var u) && u.GetBoolean()));
        Assert.That(reported, Is.EquivalentTo(Nodes.ToDictionary(n => n.Name, _ => ((string?)version, false))), "kubectl get nodes: kubelet versions, none left cordoned");
        foreach (var host in Nodes)
        {
            var tools = await Lab.ShellAsync(host, "kubeadm version -o short; kubelet --version; kubectl version --client | head -n 1; ls /etc/kubernetes/hakube");
            Assert.That(tools.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { version, $"Kubernetes {version}", $"Client Version: {version}", "calico.yaml" }.Where(l => l != "calico.yaml" || host == ControlPlanes[0])), host.Name);
        }

        foreach (var host in ControlPlanes)
        {
            var images = await Lab.ShellAsync(host, "grep -h 'image:' /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/kube-controller-manager.yaml /etc/kubernetes/manifests/kube-scheduler.yaml");
            Assert.That(images.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3).And.All.EndsWith(":" + version), host.Name);
        }

        var config = await Lab.ShellAsync(ControlPlanes[2], "kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' | grep '^kubernetesVersion:'");
        Assert.That(config.StandardOutput.Trim(), Is.EqualTo($"kubernetesVersion: {version}"));
    }

    /// <summary>What a refused upgrade must not change: versions, packages' source, static pods and HaKube's markers on every node.</summary>
    private async Task<IReadOnlyList<string>> FingerprintAsync()
    {
        var prints = new List<string>();
        foreach (var host in Nodes)
        {
            var result = await Lab.ShellAsync(host,
                "kubeadm version -o short; kubelet --version; cat /etc/apt/sources.list.d/kubernetes.list; ls -A /etc/kubernetes/hakube; " +
                "cat /etc/kubernetes/manifests/*.yaml 2>/dev/null | sha256sum; sha256sum /var/lib/hakube-standins/dpkg.json");
            prints.Add($"{host.Name}: {result.StandardOutput}");
        }

        return prints;
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        LabCluster.RunAsync(args).WaitAsync(ApplyLimit);

    /// <summary>Powers <paramref name="victim"/> off once, two seconds into its own upgrade step (packages or kubeadm upgrade node under way).</summary>
    private sealed class PowerOffDuringUpgrade(LabHosts lab, LabHost victim) : IExecutionObserver
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public Task Done => _done.Task;

        public void RoundPlanned(int round, Plan plan)
        {
            if (plan.Steps.Count == 0)
            {
                _done.TrySetException(new InvalidOperationException($"round {round} planned nothing before {victim.Name} was upgraded: {string.Join("; ", plan.Refusals)}"));
            }
        }

        public void StepStarted(PlanStep planStep)
        {
            if (planStep.Kind == StepKind.UpgradeControlPlane && planStep.Hosts.Contains(victim.Name) && Interlocked.Exchange(ref _started, 1) == 0)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(2));
                        await lab.PowerOffAsync(victim);
                        _done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        _done.TrySetException(e);
                    }
                });
            }
        }

        public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
        {
        }

        public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
        {
        }
    }

    private sealed record OpenSession(ClusterSession Session, IDisposable Key, SshConnectionPool Pool) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Key.Dispose();
            await Pool.DisposeAsync();
        }
    }
}
