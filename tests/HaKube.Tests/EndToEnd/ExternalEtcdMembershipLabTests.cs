using System.Runtime.Versioning;
using HaKube.Model.Planning;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// External etcd members added, removed and replaced in the lab, each by apply while
/// <see cref="EtcdQuorumWatcher"/> samples the real etcd every 100 ms. One cluster (three etcd
/// hosts, two control planes, HAProxy), operations in order: 3 to 5 members; 5 to 3 (the leaving
/// hosts' etcd stopped and their data moved aside); a dead member replaced by the same name at a
/// new address (the stale member removed first, then the new one added); then the two remaining
/// original members replaced by other hosts while <see cref="ApiEndpointWatcher"/> probes /readyz
/// through the load balancer every 100 ms. After each operation both control planes'
/// kube-apiserver --etcd-servers and kubeadm-config's etcd.external.endpoints name exactly the
/// members (the stand-in kube-apiserver really reads etcd through that flag, so an API server left
/// pointing at removed members stops being ready).
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(4)]
[SupportedOSPlatform("linux")]
public sealed class ExternalEtcdMembershipLabTests() : LabClusterFixture(9, new LabOptions("mem2", "127.0.111"), h => Manifest(h, [(h[0].Name, h[0]), (h[1].Name, h[1]), (h[2].Name, h[2])]))
{
    private static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(8);

    private IReadOnlyList<LabHost> H => Lab.Hosts;

    private LabHost[] ControlPlanes => [H[6], H[8]];

    private static string Manifest(IReadOnlyList<LabHost> h, IReadOnlyList<(string Name, LabHost Host)> etcd)
    {
        var lines = etcd.Select(e => $"  - {{name: {e.Name}, address: \"{e.Host.Address}\", roles: [Etcd]}}")
            .Append($"  - {{name: {h[6].Name}, address: \"{h[6].Address}\", roles: [ControlPlane]}}")
            .Append($"  - {{name: {h[8].Name}, address: \"{h[8].Address}\", roles: [ControlPlane]}}")
            .Append($"  - {{name: {h[7].Name}, address: \"{h[7].Address}\", roles: [LoadBalancer]}}");
        return $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-external-members}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[7].Address}}", port: 6443}
              loadBalancer: {provider: HAProxy, hosts: [{{h[7].Name}}]}
              etcd: {topology: External, hosts: [{{string.Join(", ", etcd.Select(e => e.Name))}}]}
              networking: {podSubnet: 192.168.0.0/16, cni: None}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              allowNonHighlyAvailable: true
              hosts:

            """ + string.Join("\n", lines) + "\n";
    }

    private Task WriteManifestAsync(IReadOnlyList<(string Name, LabHost Host)> etcd) => File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, etcd));

    private static (string Name, LabHost Host) Member(LabHost host) => (host.Name, host);

    private async Task AssertEtcdAsync(IReadOnlyList<(string Name, LabHost Host)> members)
    {
        var etcd = await ClusterChecks.EtcdAsync(Lab, members[0].Host, members.Select(m => m.Host));
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, H[7]);
        Assert.Multiple(() =>
        {
            Assert.That(etcd.Members, Is.EquivalentTo(members.Select(m => m.Name)), etcd.Output);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(backends.Keys, Is.EquivalentTo(ControlPlanes.Select(c => c.Name)));
        });
        await AssertApiServersFollowAsync(members);
    }

    /// <summary>Both control planes' kube-apiserver --etcd-servers, and kubeadm-config (which later joins and upgrades read), name exactly the members' client URLs.</summary>
    private async Task AssertApiServersFollowAsync(IReadOnlyList<(string Name, LabHost Host)> members)
    {
        var want = members.Select(m => $"https://{m.Host.Address}:2379").Order(StringComparer.Ordinal).ToList();
        var config = await Lab.ShellAsync(ControlPlanes[0],
            "kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}'");
        var inConfig = config.StandardOutput.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- https://", StringComparison.Ordinal)).Select(l => l[2..]).Order(StringComparer.Ordinal).ToList();
        Assert.That(inConfig, Is.EqualTo(want), config.StandardOutput);
        foreach (var controlPlane in ControlPlanes)
        {
            var flag = await Lab.ShellAsync(controlPlane, "grep -o -e '--etcd-servers=[^\"]*' /etc/kubernetes/manifests/kube-apiserver.yaml");
            var servers = flag.StandardOutput.Trim().Replace("--etcd-servers=", "", StringComparison.Ordinal).Split(',').Order(StringComparer.Ordinal).ToList();
            Assert.That(servers, Is.EqualTo(want), $"{controlPlane.Name}: {flag.StandardOutput}{flag.StandardError}");
        }
    }

    [Test, Order(1)]
    public async Task Apply_ThreeMembers_Converges()
    {
        var (result, _) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);

        Assert.That(result.Converged, Is.True, result.Error);
        await AssertEtcdAsync(H.Take(3).Select(Member).ToList());
    }

    [Test, Order(2)]
    public async Task Apply_ThreeToFiveMembers_AddsOneAtATimeWithQuorumHeld()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await WriteManifestAsync(H.Take(5).Select(Member).ToList());

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        Assert.That(run.StartedRows.Where(r => r.StartsWith("AddEtcdMember", StringComparison.Ordinal) || r.StartsWith("UpdateEtcdServers", StringComparison.Ordinal)),
            Is.EqualTo(new[] { $"AddEtcdMember {H[3].Name}", $"AddEtcdMember {H[4].Name}", $"UpdateEtcdServers {H[6].Name},{H[8].Name}" }));
        await AssertEtcdAsync(H.Take(5).Select(Member).ToList());
    }

    [Test, Order(3)]
    public async Task Apply_FiveToThreeMembers_RemovesThemOneAtATimeStopsEtcdAndKeepsTheirData()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(5));
        await WriteManifestAsync(H.Take(3).Select(Member).ToList());

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        Assert.That(run.Started.Where(s => s.Kind == StepKind.RemoveEtcdMember).Select(s => (s.Hosts[0], s.ChangesEtcdMembership)),
            Is.EqualTo(new[] { (H[3].Name, true), (H[4].Name, true) }));
        await AssertEtcdAsync(H.Take(3).Select(Member).ToList());
        foreach (var gone in new[] { H[3], H[4] })
        {
            var state = await Lab.ShellAsync(gone, "/usr/local/sbin/systemctl is-active etcd; ls -d /var/lib/etcd/member /var/lib/etcd/member.removed-* 2>/dev/null || true");
            Assert.That(state.StandardOutput, Does.StartWith("inactive").And.Contain("/var/lib/etcd/member.removed-").And.Not.Contain("/var/lib/etcd/member\n"), gone.Name);
        }
    }

    [Test, Order(4)]
    public async Task Apply_DeadMemberReplacedAtANewAddress_StaleMemberRemovedThenTheNewOneAdded()
    {
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await Lab.PowerOffAsync(H[2]);
        (string, LabHost)[] members = [Member(H[0]), Member(H[1]), (H[2].Name, H[5])];
        await WriteManifestAsync(members);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        await TestContext.Out.WriteLineAsync(report.ToString());

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        var rows = run.StartedRows.ToList();
        Assert.That(rows.FindIndex(r => r.StartsWith("RemoveStaleEtcdMember", StringComparison.Ordinal)), Is.LessThan(rows.IndexOf($"AddEtcdMember {H[2].Name}")).And.Not.EqualTo(-1), string.Join("\n", rows));
        await AssertEtcdAsync(members);
        var list = await ClusterChecks.EtcdMemberListAsync(Lab, H[0]);
        Assert.That(list, Does.Contain($"{H[2].Name}, https://{H[5].Address}:2380"));
    }

    [Test, Order(5)]
    public async Task Apply_OriginalMembersReplacedByOtherHosts_NewOnesJoinFirstControlPlanesFollowAndTheApiStaysReady()
    {
        (string, LabHost)[] before = [Member(H[0]), Member(H[1]), (H[2].Name, H[5])];
        (string, LabHost)[] after = [Member(H[3]), Member(H[4]), (H[2].Name, H[5])];
        await using var watcher = await EtcdQuorumWatcher.StartAsync(H[0], before.Select(m => m.Item2));
        await using var api = ApiEndpointWatcher.Start(ControlPlanes[0], H[7].Address);
        await using var haproxy = HaproxyMaintenanceWatcher.Start(H[7]);
        await WriteManifestAsync(after);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var report = await watcher.StopAsync();
        var apiReport = await api.StopAsync();
        var (drained, _, _) = await haproxy.StopAsync();
        await TestContext.Out.WriteLineAsync($"{report}\napi: {apiReport}\nin maintenance at some point: {string.Join(", ", drained)}\n{string.Join("\n", run.StartedRows)}");

        Assert.That(result.Converged, Is.True, result.Error);
        report.AssertHeld();
        apiReport.AssertNoOutage();
        // UpdateEtcdServers restarts each control plane's kube-apiserver, out of HAProxy meanwhile.
        Assert.That(drained, Is.SupersetOf(ControlPlanes.Select(h => h.Name)));
        Assert.That(await HaproxyMaintenanceWatcher.InMaintenanceAsync(H[7], CancellationToken.None), Is.Empty);
        var rows = run.StartedRows.ToList();
        int At(string row) => rows.IndexOf(row) is var i and >= 0 ? i : throw new AssertionException($"{row} did not run:\n{string.Join("\n", rows)}");
        Assert.Multiple(() =>
        {
            // The replacements surge in first; the API servers move to them before the last original member they use leaves.
            Assert.That(Math.Max(At($"AddEtcdMember {H[3].Name}"), At($"AddEtcdMember {H[4].Name}")), Is.LessThan(Math.Min(At($"RemoveEtcdMember {H[0].Name}"), At($"RemoveEtcdMember {H[1].Name}"))));
            Assert.That(At($"UpdateEtcdServers {H[6].Name},{H[8].Name}"), Is.LessThan(Math.Max(At($"RemoveEtcdMember {H[0].Name}"), At($"RemoveEtcdMember {H[1].Name}"))));
        });
        await AssertEtcdAsync(after);
    }
}
