using System.Runtime.Versioning;
using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Actions.Steps;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Steps;

/// <summary>
/// The load-balancer and external-etcd steps on real lab hosts with the real HAProxy and etcd:
/// lb1 and three etcd members; the control planes exist only as HAProxy backends (down, which
/// HAProxy reports and which is expected before they run).
/// </summary>
[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class HaproxyAndEtcdLabTests : LabFixture
{
    private const string Manifest = """
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: steps-lab}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{ADDR1}", port: 6443}
          loadBalancer: {provider: HAProxy, hosts: [{NAME1}]}
          etcd: {topology: External, hosts: [{NAME2}, {NAME3}, {NAME4}]}
          networking: {podSubnet: 192.168.0.0/16}
          ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: "{NAME1}", address: "{ADDR1}", roles: [LoadBalancer]}
          - {name: "{NAME2}", address: "{ADDR2}", roles: [Etcd]}
          - {name: "{NAME3}", address: "{ADDR3}", roles: [Etcd]}
          - {name: "{NAME4}", address: "{ADDR4}", roles: [Etcd]}
          - {name: cp1, address: "{CP1}", roles: [ControlPlane]}
          - {name: cp2, address: "{CP2}", roles: [ControlPlane]}
          - {name: cp3, address: "{CP3}", roles: [ControlPlane]}

        """;

    private StepsLabFixture? _lab;

    private StepsLabFixture Lab => _lab ?? throw new InvalidOperationException("lab not started");

    protected override async Task StartAsync()
    {
        // Through a local: NUnit's analyzer does not see that Own's tear-down disposes it.
        var lab = Own(await StepsLabFixture.StartAsync(4, new LabOptions("hkstep", "127.0.61"), Manifest));
        _lab = lab;
    }

    [Test, Order(1)]
    public async Task ConfigureLoadBalancer_FreshHost_HaproxyRunsWithEveryControlPlaneAsBackend()
    {
        await Lab.RunAsync(StepKind.PrepareHost, "hkstep1");
        await Lab.RunAsync(StepKind.ConfigureLoadBalancer, "hkstep1");

        var stats = await Lab.ShellAsync("hkstep1", StatsScript);
        var listening = await Lab.ShellAsync("hkstep1", "ss -Hltn 'sport = :6443'");
        Assert.Multiple(() =>
        {
            Assert.That(stats, Does.Contain("kube-apiserver,cp1,").And.Contain("kube-apiserver,cp2,").And.Contain("kube-apiserver,cp3,"));
            Assert.That(listening, Does.Contain(Lab.Lab["hkstep1"].Address + ":6443"));
            Assert.That(listening, Does.Not.Contain("*:6443").And.Not.Contain("0.0.0.0:6443"));
        });
    }

    [Test, Order(2)]
    public async Task ConfigureLoadBalancer_EditedConfig_IsRestoredAndStillServes()
    {
        var desired = Lab.Sha256Of("hkstep1", HaproxyConfigRenderer.ConfigPath);
        await Lab.ShellAsync("hkstep1", $"echo '# local edit' >> {HaproxyConfigRenderer.ConfigPath}");

        await Lab.RunAsync(StepKind.ConfigureLoadBalancer, "hkstep1");

        Assert.Multiple(async () =>
        {
            Assert.That(Lab.Sha256Of("hkstep1", HaproxyConfigRenderer.ConfigPath), Is.EqualTo(desired));
            Assert.That(await Lab.ShellAsync("hkstep1", "systemctl is-active haproxy"), Does.StartWith("active"));
        });
    }

    [Test, Order(3)]
    public async Task AroundAsync_ControlPlaneRestarting_IsInMaintenanceOnTheLoadBalancerOnlyMeanwhile()
    {
        var context = await Lab.ContextAsync();
        IReadOnlyDictionary<string, int>? during = null;

        await LoadBalancerDrain.AroundAsync(context, context.Host("cp2"), StepKind.RenewControlPlaneCertificates,
            async _ => during = await AdminStatesAsync(), CancellationToken.None);

        var after = await AdminStatesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(during?["cp2"] & ForcedMaintenance, Is.EqualTo(ForcedMaintenance), "cp2 in maintenance while it restarts");
            Assert.That(during?["cp1"] & ForcedMaintenance, Is.Zero, "the other control planes stay");
            Assert.That(after.Values, Has.All.Zero, "every server back after the restart");
        });
    }

    [Test, Order(4)]
    public async Task AroundAsync_RestartFails_PutsTheServerBackAndRethrows()
    {
        var context = await Lab.ContextAsync();

        var thrown = Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await LoadBalancerDrain.AroundAsync(context, context.Host("cp3"), StepKind.UpdateEtcdServers,
                _ => throw new InvalidOperationException("the restart failed"), CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(thrown?.Message, Is.EqualTo("the restart failed"));
            Assert.That((await AdminStatesAsync())["cp3"], Is.Zero);
        });
    }

    [Test, Order(5)]
    public async Task ConfigureLoadBalancer_ServerLeftInMaintenance_IsProbedAndPutBack()
    {
        // A run cut short between "maint" and "ready", as a killed daemon leaves it.
        await Lab.ShellAsync("hkstep1", $"echo 'set server {HaproxyConfigRenderer.Backend}/cp1 state maint' | socat stdio UNIX-CONNECT:{HaproxyConfigRenderer.StatsSocket}");
        var left = (await Lab.ProbeAsync()).Single(f => f.Host == "hkstep1");

        await Lab.RunAsync(StepKind.ConfigureLoadBalancer, "hkstep1");

        var after = (await Lab.ProbeAsync()).Single(f => f.Host == "hkstep1");
        Assert.Multiple(async () =>
        {
            Assert.That(left.HaproxyServersInMaintenance, Is.EqualTo(new[] { "cp1" }));
            Assert.That(after.HaproxyServersInMaintenance, Is.Empty);
            Assert.That((await AdminStatesAsync()).Values, Has.All.Zero);
        });
    }

    [Test, Order(6)]
    public async Task EtcdSteps_ThreeFreshHosts_ConvergeToExactlyThreeHealthyMembers()
    {
        await Lab.RunAsync(StepKind.PrepareHost, "hkstep2", "hkstep3", "hkstep4");
        await Lab.RunAsync(StepKind.ConfigureEtcdMember, "hkstep2", "hkstep3", "hkstep4");
        await Lab.RunAsync(StepKind.BootstrapEtcd, "hkstep2");
        await Lab.RunAsync(StepKind.AddEtcdMember, "hkstep3");
        await Lab.RunAsync(StepKind.AddEtcdMember, "hkstep4");

        var members = await Lab.ShellAsync("hkstep3", Etcdctl("hkstep3") + " member list");
        var health = await Lab.ShellAsync("hkstep2", Etcdctl("hkstep2", all: true) + " endpoint health");
        var facts = await Lab.ProbeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(members.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), members);
            Assert.That(members, Does.Contain(", started, hkstep2, ").And.Contain(", started, hkstep3, ").And.Contain(", started, hkstep4, "));
            Assert.That(health.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.All.Contains("is healthy"), health);
            Assert.That(facts.Where(f => f.Host != "hkstep1").Select(f => f.Etcd?.Healthy), Has.All.True);
            Assert.That(facts.Where(f => f.Host != "hkstep1").Select(f => f.Etcd?.Members.Count), Has.All.EqualTo(3));
        });
    }

    [Test, Order(7)]
    public async Task EtcdSteps_RunAgain_ChangeNothing()
    {
        var manifest = Lab.Sha256Of("hkstep3", KnownPaths.EtcdManifest);
        var pid = await Lab.ShellAsync("hkstep3", "pgrep -x etcd");

        await Lab.RunAsync(StepKind.ConfigureEtcdMember, "hkstep2", "hkstep3", "hkstep4");
        await Lab.RunAsync(StepKind.AddEtcdMember, "hkstep3");
        await Lab.RunAsync(StepKind.StartEtcdMember, "hkstep3");

        var members = await Lab.ShellAsync("hkstep2", Etcdctl("hkstep2") + " member list");
        Assert.Multiple(async () =>
        {
            Assert.That(await Lab.ShellAsync("hkstep3", "pgrep -x etcd"), Is.EqualTo(pid), "etcd was not restarted");
            Assert.That(Lab.Sha256Of("hkstep3", KnownPaths.EtcdManifest), Is.EqualTo(manifest));
            Assert.That(members.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), members);
        });
    }

    [Test, Order(8)]
    public async Task StartEtcdMember_StoppedMember_IsRunningAndHealthyAgain()
    {
        // As on a real host: stopping the kubelet leaves its pods running, so the manifest goes first,
        // the kubelet stops the pod, and only then is the kubelet itself stopped.
        await Lab.ShellAsync("hkstep4", $"mv {KnownPaths.EtcdManifest} /root/etcd.yaml.stopped && for i in $(seq 300); do pgrep -x etcd >/dev/null || break; sleep 0.1; done; ! pgrep -x etcd >/dev/null && systemctl stop kubelet");
        var stopped = (await Lab.ProbeAsync()).Single(f => f.Host == "hkstep4");

        await Lab.RunAsync(StepKind.StartEtcdMember, "hkstep4");

        var after = (await Lab.ProbeAsync()).Single(f => f.Host == "hkstep4");
        Assert.Multiple(() =>
        {
            Assert.That(stopped.Etcd?.Healthy, Is.Not.True);
            Assert.That(after.Etcd?.Healthy, Is.True);
            Assert.That(after.Etcd?.Members.Select(m => m.Name), Is.EquivalentTo(new[] { "hkstep2", "hkstep3", "hkstep4" }));
        });
    }

    [Test, Order(9)]
    public async Task EtcdClient_WithoutAClientCertificate_IsRefused()
    {
        var result = await Lab.Lab.ShellAsync(Lab.Lab["hkstep2"], $"ETCDCTL_API=3 /opt/hakube-lab/etcd-3.5.16/etcdctl --endpoints=https://{Lab.Lab["hkstep2"].Address}:2379 --cacert={PkiPaths.EtcdCaCertificate} --dial-timeout=2s --command-timeout=3s member list");

        Assert.That(result.Succeeded, Is.False, "client-cert-auth is on");
    }

    /// <summary>srv_admin_state's SRV_ADMF_FMAINT: maintenance forced through the runtime API.</summary>
    private const int ForcedMaintenance = 0x01;

    /// <summary>srv_admin_state of each control-plane server, from HAProxy's "show servers state".</summary>
    private async Task<IReadOnlyDictionary<string, int>> AdminStatesAsync()
    {
        var text = await Lab.ShellAsync("hkstep1", $"echo 'show servers state {HaproxyConfigRenderer.Backend}' | socat stdio UNIX-CONNECT:{HaproxyConfigRenderer.StatsSocket}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(' '))
            .ToDictionary(f => f[3], f => int.Parse(f[6], System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    // HAProxy's runtime API over its stats socket: one CSV line per frontend, backend and server.
    private const string StatsScript = """
        /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect("/run/haproxy/admin.sock"); s.sendall(b"show stat\n"); print(s.makefile().read())'
        """;

    private string Etcdctl(string host, bool all = false)
    {
        var endpoints = all
            ? string.Join(',', new[] { "hkstep2", "hkstep3", "hkstep4" }.Select(h => $"https://{Lab.Lab[h].Address}:2379"))
            : $"https://{Lab.Lab[host].Address}:2379";
        return $"ETCDCTL_API=3 /opt/hakube-lab/etcd-3.5.16/etcdctl --endpoints={endpoints} --cacert={PkiPaths.EtcdCaCertificate} --cert={PkiPaths.EtcdHealthcheckClientCertificate} --key={PkiPaths.EtcdHealthcheckClientKey} --dial-timeout=2s --command-timeout=5s";
    }
}
