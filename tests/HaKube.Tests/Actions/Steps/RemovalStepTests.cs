using System.Runtime.Versioning;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;

namespace HaKube.Tests.Actions.Steps;

/// <summary>
/// The removal steps against scripted hosts: which host runs what, in which order, what an
/// unreachable host is spared, and that the inventory lets the host go only at the end.
/// </summary>
[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class RemovalStepTests
{
    private const string MemberList = """{"members":[{"ID":4096,"name":"cp1","peerURLs":["https://10.0.0.7:2380"]},{"ID":4660,"name":"cp4","peerURLs":["https://10.0.0.40:2380"]}]}""";

    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-removal-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private static HostFacts Initialized(string host, bool etcdHealthy) => new()
    {
        Host = host,
        Reachable = true,
        Files = new Dictionary<string, FileFact>
        {
            [KnownPaths.AdminConf] = new(true, "a", "600", 0, 0, 1, null),
            [KnownPaths.KubeletConf] = new(true, "k", "600", 0, 0, 1, null),
        },
        Etcd = etcdHealthy ? new EtcdFacts(true, [], null) : null,
    };

    private async Task<(StepContext Context, ScriptedHosts Hosts, ClusterStateStore Store)> ContextAsync(HostSpec leaving, bool reachable, Func<string, string, CommandResult>? answer = null, IReadOnlyList<ManagedHost>? inventory = null, string? drainTimeout = null)
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        if (drainTimeout is not null)
        {
            cluster = cluster with { Spec = cluster.Spec with { DrainTimeout = drainTimeout } };
        }

        var store = new ClusterStateStore(_root, "demo");
        await store.UpdateInventoryAsync(_ => inventory ?? [new ManagedHost(leaving.Name, leaving.Address, leaving.Roles, 22, [])], CancellationToken.None);
        var hosts = new ScriptedHosts(answer);
        var facts = new Dictionary<string, HostFacts>
        {
            ["cp1"] = Initialized("cp1", etcdHealthy: true),
            [leaving.Name] = reachable ? Initialized(leaving.Name, etcdHealthy: true) : HostFacts.Unreachable(leaving.Name, ProbeErrorKind.Unreachable, "connection refused", default),
        };
        var context = new StepContext
        {
            Cluster = cluster,
            Material = new ClusterMaterial(TestPki.Authorities, null),
            Store = store,
            Facts = facts,
            Connect = hosts.Connect,
            Departing = [leaving],
        };
        return (context, hosts, store);
    }

    [Test]
    public async Task RemoveWorker_UnreachableWorker_DrainsAndDeletesItsNodeThroughAControlPlaneNeverTouchesItAndForgetsIt()
    {
        var worker = new HostSpec { Name = "w9", Address = "10.0.0.99", Roles = [HostRole.Worker] };
        var (context, hosts, store) = await ContextAsync(worker, reachable: false);

        await new RemoveWorkerStep().RunAsync(context, new PlanStep(StepKind.RemoveWorker, ["w9"], "left the spec"), CancellationToken.None);

        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(hosts.Ran.Select(r => r.Host), Has.All.EqualTo("cp1"));
            Assert.That(hosts.Ran[0].Script, Does.Contain("k cordon 'w9'").Or.Contain("k cordon w9"));
            Assert.That(hosts.Ran[0].Script, Does.Contain("drain").And.Contain("--timeout=120s"));
            Assert.That(hosts.Ran[^1].Script, Does.Contain("delete node"));
            Assert.That(inventory, Is.Empty);
        });
    }

    [Test]
    public async Task RemoveWorker_SpecDrainTimeout_BoundsTheDrainCommand()
    {
        var worker = new HostSpec { Name = "w9", Address = "10.0.0.99", Roles = [HostRole.Worker] };
        var (context, hosts, _) = await ContextAsync(worker, reachable: true, drainTimeout: "7m30s");

        await new RemoveWorkerStep().RunAsync(context, new PlanStep(StepKind.RemoveWorker, ["w9"], "left the spec"), CancellationToken.None);

        Assert.That(hosts.Ran[0].Script, Does.Contain("k drain 'w9' --ignore-daemonsets --delete-emptydir-data --timeout=450s").Or.Contain("k drain w9 --ignore-daemonsets --delete-emptydir-data --timeout=450s"));
    }

    [Test]
    public async Task RemoveControlPlane_SpecDrainTimeout_BoundsTheDrainCommand()
    {
        var leaving = new HostSpec { Name = "cp4", Address = "10.0.0.40", Roles = [HostRole.ControlPlane] };
        var (context, hosts, _) = await ContextAsync(leaving, reachable: true, (host, script) =>
            script.Contains("/v3/cluster/member/list", StringComparison.Ordinal) ? new CommandResult(0, null, MemberList, "", false) : Ok(), drainTimeout: "45s");

        await new RemoveControlPlaneStep().RunAsync(context, new PlanStep(StepKind.RemoveControlPlane, ["cp4"], "left the spec", ChangesEtcdMembership: true), CancellationToken.None);

        Assert.That(hosts.Ran.Single(r => r.Script.Contains(" drain ", StringComparison.Ordinal)).Script, Does.Contain("--timeout=45s"));
    }

    [Test]
    public async Task RemoveWorker_DrainDoesNotFinish_TheRemovalGoesOnAsWithNodeDrainTimeout()
    {
        var worker = new HostSpec { Name = "w9", Address = "10.0.0.99", Roles = [HostRole.Worker] };
        var (context, hosts, store) = await ContextAsync(worker, reachable: true, (host, script) =>
            script.Contains(" drain ", StringComparison.Ordinal) ? new CommandResult(0, null, "drain-unfinished\nerror: timed out waiting for the condition\n", "", false) : Ok());

        await new RemoveWorkerStep().RunAsync(context, new PlanStep(StepKind.RemoveWorker, ["w9"], "left the spec"), CancellationToken.None);

        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(hosts.Ran.Select(r => r.Host), Is.EqualTo(new[] { "cp1", "w9", "cp1" }), "drain (cp1), kubeadm reset (w9), Node deleted (cp1)");
            Assert.That(hosts.Ran[1].Script, Does.Contain("kubeadm reset -f"));
            Assert.That(inventory, Is.Empty);
        });
    }

    [Test]
    public async Task RemoveWorker_ResetFails_TheHostStaysInTheInventory()
    {
        var worker = new HostSpec { Name = "w9", Address = "10.0.0.99", Roles = [HostRole.Worker] };
        var (context, _, store) = await ContextAsync(worker, reachable: true, (host, script) =>
            host == "w9" ? new CommandResult(1, null, "", "hakube: kubeadm reset -f failed\n", false) : Ok());

        var error = Assert.ThrowsAsync<StepFailedException>(() => new RemoveWorkerStep().RunAsync(context, new PlanStep(StepKind.RemoveWorker, ["w9"], "left the spec"), CancellationToken.None));

        Assert.That(error!.Host, Is.EqualTo("w9"));
        Assert.That((await store.LoadInventoryAsync(CancellationToken.None)).Select(h => h.Name), Is.EqualTo(new[] { "w9" }));
    }

    [Test]
    public async Task RemoveControlPlane_Stacked_DrainsRemovesItsMemberThroughAHealthyOneResetsThenDeletesTheNode()
    {
        var leaving = new HostSpec { Name = "cp4", Address = "10.0.0.40", Roles = [HostRole.ControlPlane] };
        var (context, hosts, store) = await ContextAsync(leaving, reachable: true, (host, script) =>
            script.Contains("/v3/cluster/member/list", StringComparison.Ordinal) ? new CommandResult(0, null, MemberList, "", false) : Ok());

        await new RemoveControlPlaneStep().RunAsync(context, new PlanStep(StepKind.RemoveControlPlane, ["cp4"], "left the spec", true), CancellationToken.None);

        var order = hosts.Ran.Select(r => (r.Host, What(r.Script))).ToList();
        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(order, Is.EqualTo(new[] { ("cp1", "drain"), ("cp1", "member list"), ("cp1", "member remove 1234"), ("cp4", "reset"), ("cp1", "delete node") }));
            Assert.That(inventory, Is.Empty);
        });
    }

    [Test]
    public async Task RemoveStaleEtcdMember_MemberThatNamesASpecHostAtItsAddress_IsNeverRemoved()
    {
        var leaving = new HostSpec { Name = "cp4", Address = "10.0.0.40", Roles = [HostRole.ControlPlane] };
        var (context, hosts, _) = await ContextAsync(leaving, reachable: true, (host, script) =>
            script.Contains("/v3/cluster/member/list", StringComparison.Ordinal) ? new CommandResult(0, null, MemberList, "", false) : Ok());

        await new RemoveStaleEtcdMemberStep().RunAsync(context, new PlanStep(StepKind.RemoveStaleEtcdMember, ["cp1"], "stale", true) { EtcdMemberId = 4096 }, CancellationToken.None);

        Assert.That(hosts.Ran.Select(r => What(r.Script)), Is.EqualTo(new[] { "member list" }));
    }

    [Test]
    public async Task RemoveStaleEtcdMember_StaleMember_IsRemovedById()
    {
        var leaving = new HostSpec { Name = "cp4", Address = "10.0.0.40", Roles = [HostRole.ControlPlane] };
        var (context, hosts, _) = await ContextAsync(leaving, reachable: true, (host, script) =>
            script.Contains("/v3/cluster/member/list", StringComparison.Ordinal) ? new CommandResult(0, null, MemberList, "", false) : Ok());

        await new RemoveStaleEtcdMemberStep().RunAsync(context, new PlanStep(StepKind.RemoveStaleEtcdMember, ["cp1"], "stale", true) { EtcdMemberId = 4660 }, CancellationToken.None);

        Assert.That(hosts.Ran.Select(r => (r.Host, What(r.Script))), Is.EqualTo(new[] { ("cp1", "member list"), ("cp1", "member remove 1234") }));
    }

    /// <summary>cp3 of the spec (now at 10.0.0.9) and its previous machine at 10.0.0.39, both remembered.</summary>
    private Task<(StepContext Context, ScriptedHosts Hosts, ClusterStateStore Store)> PreviousContextAsync(string oldAddress, bool reachable, Func<string, string, CommandResult>? answer = null)
    {
        var key = new PreviousMachine("cp3", oldAddress).Key;
        var old = new HostSpec { Name = key, Address = oldAddress, Roles = [HostRole.ControlPlane] };
        return ContextAsync(old, reachable, answer,
            [new ManagedHost("cp3", oldAddress, [HostRole.ControlPlane], 22, ["ssh-ed25519 AAAAold"]), new ManagedHost("cp3", "10.0.0.9", [HostRole.ControlPlane], 22, ["ssh-ed25519 AAAAnew"])]);
    }

    [Test]
    public async Task ResetPreviousMachine_Reachable_ResetsOnlyThatMachineAndForgetsOnlyIt()
    {
        var (context, hosts, store) = await PreviousContextAsync("10.0.0.39", reachable: true);

        await new ResetPreviousMachineStep().RunAsync(context, new PlanStep(StepKind.ResetPreviousMachine, ["cp3@10.0.0.39"], "replaced"), CancellationToken.None);

        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(hosts.Ran.Select(r => r.Host), Is.EqualTo(new[] { "cp3@10.0.0.39" }));
            Assert.That(hosts.Ran[0].Script, Does.Contain("kubeadm reset -f").And.Contain("systemctl disable \"$unit\"").And.Contain("pgrep -x etcd"));
            // Neither the Node (whose name is the new machine's) nor any etcd member is touched.
            Assert.That(hosts.Ran[0].Script, Does.Not.Contain("delete node").And.Not.Contain("member remove").And.Not.Contain("kubectl"));
            Assert.That(inventory.Select(h => (h.Name, h.Address)), Is.EqualTo(new[] { ("cp3", "10.0.0.9") }));
        });
    }

    [Test]
    public async Task ResetPreviousMachine_Unreachable_RunsNothingAndForgetsIt()
    {
        var (context, hosts, store) = await PreviousContextAsync("10.0.0.39", reachable: false);

        await new ResetPreviousMachineStep().RunAsync(context, new PlanStep(StepKind.ResetPreviousMachine, ["cp3@10.0.0.39"], "replaced"), CancellationToken.None);

        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(hosts.Ran, Is.Empty);
            Assert.That(inventory.Select(h => h.Address), Is.EqualTo(new[] { "10.0.0.9" }));
        });
    }

    [Test]
    public async Task ResetPreviousMachine_AtASpecHostsAddress_IsRefusedAndRunsNothing()
    {
        // 10.0.0.8 is cp2's address: whatever the inventory says, that machine is never reset.
        var (context, hosts, store) = await PreviousContextAsync("10.0.0.8", reachable: true);

        var error = Assert.ThrowsAsync<StepFailedException>(() => new ResetPreviousMachineStep().RunAsync(context, new PlanStep(StepKind.ResetPreviousMachine, ["cp3@10.0.0.8"], "replaced"), CancellationToken.None));

        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("10.0.0.8 is the address of cp2 in the spec"));
            Assert.That(hosts.Ran, Is.Empty);
            Assert.That(inventory, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task ResetPreviousMachine_ResetFails_TheMachineStaysRemembered()
    {
        var (context, _, store) = await PreviousContextAsync("10.0.0.39", reachable: true, (_, _) => new CommandResult(1, null, "", "hakube: the kubelet still runs after systemctl stop\n", false));

        Assert.ThrowsAsync<StepFailedException>(() => new ResetPreviousMachineStep().RunAsync(context, new PlanStep(StepKind.ResetPreviousMachine, ["cp3@10.0.0.39"], "replaced"), CancellationToken.None));

        Assert.That(await store.LoadInventoryAsync(CancellationToken.None), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task RemoveLoadBalancer_ReachableHost_StopsAndDisablesHaproxyMovesItsConfigAsideChecksAndForgetsIt()
    {
        var lb = new HostSpec { Name = "lb9", Address = "10.0.0.95", Roles = [HostRole.LoadBalancer] };
        var (context, hosts, store) = await ContextAsync(lb, reachable: true);

        await new RemoveLoadBalancerStep().RunAsync(context, new PlanStep(StepKind.RemoveLoadBalancer, ["lb9"], "left the spec"), CancellationToken.None);

        var script = hosts.Ran.Single().Script;
        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(hosts.Ran.Single().Host, Is.EqualTo("lb9"));
            Assert.That(script, Does.Contain("systemctl disable haproxy").And.Contain("systemctl stop haproxy"));
            Assert.That(script, Does.Contain("! systemctl is-active -q haproxy || fail").And.Contain("! systemctl is-enabled -q haproxy"));
            Assert.That(script, Does.Contain("head -n 1 \"$cfg\" | grep -qF '# HAProxy for the control-plane endpoint of this cluster, written by HaKube'"));
            Assert.That(script, Does.Contain("mv -f \"$cfg\" \"$cfg.removed-$(date +%s)\""));
            Assert.That(script, Does.Contain("ss -Hltn 'src 10.0.0.95 and sport = :6443'"));
            Assert.That(inventory, Is.Empty);
        });
    }

    [Test]
    public async Task RemoveLoadBalancer_Script_IsValidPosixSh()
    {
        var path = Path.Combine(_root, "remove-lb.sh");
        await File.WriteAllTextAsync(path, RemoveLoadBalancerStep.Script("fd00::5", 8443));

        var result = await HaKube.Tests.Lab.LabProcess.RunAsync("/bin/sh", ["-n", path], TimeSpan.FromSeconds(10));

        Assert.That(result.Succeeded, Is.True, result.StandardError);
    }

    [Test]
    public async Task RemoveLoadBalancer_UnreachableHost_IsNeverTouchedAndIsForgotten()
    {
        var lb = new HostSpec { Name = "lb9", Address = "10.0.0.95", Roles = [HostRole.LoadBalancer] };
        var (context, hosts, store) = await ContextAsync(lb, reachable: false);

        await new RemoveLoadBalancerStep().RunAsync(context, new PlanStep(StepKind.RemoveLoadBalancer, ["lb9"], "left the spec"), CancellationToken.None);

        Assert.That(hosts.Ran, Is.Empty);
        Assert.That(await store.LoadInventoryAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task RemoveLoadBalancer_HostWithAnotherRole_StaysInTheInventoryForItsOtherRemoval()
    {
        var lb = new HostSpec { Name = "w9", Address = "10.0.0.99", Roles = [HostRole.Worker, HostRole.LoadBalancer] };
        var (context, _, store) = await ContextAsync(lb, reachable: true);

        await new RemoveLoadBalancerStep().RunAsync(context, new PlanStep(StepKind.RemoveLoadBalancer, ["w9"], "left the spec"), CancellationToken.None);

        Assert.That((await store.LoadInventoryAsync(CancellationToken.None)).Select(h => h.Name), Is.EqualTo(new[] { "w9" }));
    }

    [Test]
    public async Task RemoveLoadBalancer_HaproxyWillNotStop_FailsAndTheHostStaysInTheInventory()
    {
        var lb = new HostSpec { Name = "lb9", Address = "10.0.0.95", Roles = [HostRole.LoadBalancer] };
        var (context, _, store) = await ContextAsync(lb, reachable: true, (host, script) => new CommandResult(1, null, "", "hakube: haproxy still runs after systemctl stop\n", false));

        var error = Assert.ThrowsAsync<StepFailedException>(() => new RemoveLoadBalancerStep().RunAsync(context, new PlanStep(StepKind.RemoveLoadBalancer, ["lb9"], "left the spec"), CancellationToken.None));

        Assert.That(error!.Host, Is.EqualTo("lb9"));
        Assert.That((await store.LoadInventoryAsync(CancellationToken.None)).Select(h => h.Name), Is.EqualTo(new[] { "lb9" }));
    }

    private static CommandResult Ok() => new(0, null, "", "", false);

    private static string What(string script) =>
        script.Contains("member remove", StringComparison.Ordinal) ? "member remove " + script.Split("member remove ")[1].Split(' ')[0]
        : script.Contains("/v3/cluster/member/list", StringComparison.Ordinal) ? "member list"
        : script.Contains("kubeadm reset", StringComparison.Ordinal) ? "reset"
        : script.Contains(" drain ", StringComparison.Ordinal) ? "drain"
        : script.Contains("delete node", StringComparison.Ordinal) ? "delete node"
        : "other";

    /// <summary>Hosts that record every script and answer as told (success by default).</summary>
    private sealed class ScriptedHosts(Func<string, string, CommandResult>? answer)
    {
        private readonly List<(string Host, string Script)> _ran = [];

        public IReadOnlyList<(string Host, string Script)> Ran
        {
            get
            {
                lock (_ran)
                {
                    return [.. _ran];
                }
            }
        }

        public IHostConnection Connect(string host) => new Connection(this, host);

        private CommandResult Run(string host, string script)
        {
            lock (_ran)
            {
                _ran.Add((host, script));
            }

            return answer?.Invoke(host, script) ?? new CommandResult(0, null, "", "", false);
        }

        private sealed class Connection(ScriptedHosts hosts, string host) : IHostConnection
        {
            public string Host => host;

            public Task<CommandResult> RunAsync(string script, CommandOptions? options, CancellationToken cancellationToken) => Task.FromResult(hosts.Run(host, script));

            public Task UploadAsync(string path, ReadOnlyMemory<byte> content, RemoteFileOptions options, CancellationToken cancellationToken) => Task.CompletedTask;

            public Task<byte[]?> DownloadAsync(string path, CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);
        }
    }
}
