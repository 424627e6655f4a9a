using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Model.Planning;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// A HAProxy host leaving a stacked cluster in the lab: three control planes behind HAProxy on two
/// hosts (lb-a, lb-b), then lb-a leaves the spec while a new one (lb-c) joins it. `hakube plan`
/// leaves the state directory byte-identical; apply stops and disables HAProxy on lb-a and moves
/// its haproxy.cfg aside, while <see cref="ApiEndpointWatcher"/> polls /readyz through lb-b every
/// 100 ms and <see cref="EtcdQuorumWatcher"/> samples the real etcd; the next plan is empty. Then
/// lb-c stays in the spec but becomes a worker: HAProxy stops there the same way (lb-b serving
/// throughout) before it is prepared and joined as a node.
/// The lab has no DNS name or virtual IP over several load balancers, so the endpoint is lb-b's
/// address (the one that stays); a departing host at the endpoint's address is refused by the
/// planner (unit-tested in LoadBalancerRemovalPlannerTests).
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(13)]
[SupportedOSPlatform("linux")]
public sealed class LoadBalancerRemovalLabTests() : LabClusterFixture(6, new LabOptions("lbd1", "127.0.150"), h => Manifest(h, [h[3], h[4]]))
{
    // Bounds each apply: a stacked bring-up takes a minute or two on a loaded two-core machine.
    private static readonly TimeSpan ApplyLimit = TimeSpan.FromMinutes(8);

    private IReadOnlyList<LabHost> H => Lab.Hosts;

    private LabHost Leaving => H[3];

    private LabHost Staying => H[4];

    private LabHost Joining => H[5];

    /// <summary>Three stacked control planes (hosts 0 to 2), HAProxy on <paramref name="loadBalancers"/> and <paramref name="workers"/> (with <paramref name="workerLabels"/>, a flow map); the endpoint is host 4's address.</summary>
    private static string Manifest(IReadOnlyList<LabHost> h, IReadOnlyList<LabHost> loadBalancers, IReadOnlyList<LabHost>? workers = null, string? workerLabels = null)
    {
        var lines = h.Take(3).Select(c => $"  - {{name: {c.Name}, address: \"{c.Address}\", roles: [ControlPlane]}}")
            .Concat(loadBalancers.Select(lb => $"  - {{name: {lb.Name}, address: \"{lb.Address}\", roles: [LoadBalancer]}}"))
            .Concat((workers ?? []).Select(w => $"  - {{name: {w.Name}, address: \"{w.Address}\", roles: [Worker]{(workerLabels is null ? "" : ", labels: " + workerLabels)}}}"));
        return $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: e2e-lbdrain}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: "{{h[4].Address}}", port: 6443}
              loadBalancer: {provider: HAProxy, hosts: [{{string.Join(", ", loadBalancers.Select(lb => lb.Name))}}]}
              etcd: {topology: Stacked}
              networking: {podSubnet: 192.168.0.0/16, cni: None}
              drainTimeout: 90s
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:

            """ + string.Join("\n", lines) + "\n";
    }

    private async Task<string> HaproxyStateAsync(LabHost host)
    {
        var state = await Lab.ShellAsync(host, "/usr/local/sbin/systemctl is-active haproxy; /usr/local/sbin/systemctl is-enabled haproxy; ls /etc/haproxy");
        return state.StandardOutput.Trim();
    }

    /// <summary>Every file under the state directory with its bytes and mode: what "byte-identical" compares.</summary>
    private Dictionary<string, string> StateSnapshot() =>
        Directory.EnumerateFileSystemEntries(Cluster.StateDir, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(
                path => Path.GetRelativePath(Cluster.StateDir, path),
                path => File.GetUnixFileMode(path) + ":" + (File.Exists(path) ? Convert.ToHexString(File.ReadAllBytes(path)) : "dir"),
                StringComparer.Ordinal);

    [Test, Order(1)]
    public async Task Apply_TwoHaproxyHosts_ConvergesWithBothServing()
    {
        var (result, _) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);

        Assert.That(result.Converged, Is.True, result.Error);
        foreach (var lb in new[] { Leaving, Staying })
        {
            var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, lb);
            Assert.That(backends.Keys, Is.EquivalentTo(H.Take(3).Select(c => c.Name)), lb.Name);
            Assert.That(await HaproxyStateAsync(lb), Does.StartWith("active\nenabled"), lb.Name);
        }
    }

    [Test, Order(2)]
    public async Task Plan_LoadBalancerLeavesAndAnotherJoins_LeavesTheStateDirectoryByteIdentical()
    {
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, [Staying, Joining]));
        var before = StateSnapshot();

        var (exit, output, error) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);

        var after = StateSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), output + error);
            Assert.That(output, Does.Contain("RemoveLoadBalancer").And.Contain("ConfigureLoadBalancer"));
            Assert.That(before, Is.Not.Empty);
            // Without the fix, plan recorded the joining host in inventory.json.
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test, Order(3)]
    public async Task Apply_LoadBalancerLeaves_HaproxyStopsThereWhileTheOtherKeepsServingTheEndpoint()
    {
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, [Staying, Joining]));
        await using var quorum = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await using var api = ApiEndpointWatcher.Start(H[0], Staying.Address);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var etcd = await quorum.StopAsync();
        var outage = await api.StopAsync();
        await TestContext.Out.WriteLineAsync($"{etcd}\n{outage}");

        Assert.That(result.Converged, Is.True, result.Error);
        etcd.AssertHeld();
        outage.AssertNoOutage();
        var leaving = await HaproxyStateAsync(Leaving);
        var listening = await Lab.ShellAsync(Leaving, $"ss -Hltn 'src {Leaving.Address} and sport = :6443'");
        var inventory = await File.ReadAllTextAsync(Path.Combine(Cluster.StateDir, "clusters", "e2e-lbdrain", "inventory.json"));
        var joining = await HaproxyStateAsync(Joining);
        var (exit, output, error) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        Assert.Multiple(() =>
        {
            Assert.That(run.StartedRows, Does.Contain($"RemoveLoadBalancer {Leaving.Name}"));
            Assert.That(run.Started.Single(s => s.Kind == StepKind.RemoveLoadBalancer).Reason, Does.Contain($"{Staying.Name} serves the endpoint"));
            Assert.That(leaving, Does.Match(@"^(inactive|failed)\ndisabled\n"), "haproxy on the departing host");
            Assert.That(leaving, Does.Contain("haproxy.cfg.removed-").And.Not.Match("(^|\n)haproxy.cfg(\n|$)"), "its haproxy.cfg is moved aside");
            Assert.That(listening.StandardOutput.Trim(), Is.Empty, "nothing listens on the departing host's endpoint port");
            Assert.That(inventory, Does.Not.Contain($"\"{Leaving.Name}\""), "the departing host is forgotten");
            Assert.That(joining, Does.StartWith("active\nenabled"), "the joining load balancer");
            Assert.That(exit, Is.EqualTo(0), "the next plan is empty:\n" + output + error);
        });
    }

    [Test, Order(4)]
    public async Task Apply_LoadBalancerBecomesAWorker_HaproxyStopsThereThenItJoinsAsANode()
    {
        // lb-c (Joining) stays in the spec with another role: it gives up HAProxy, behind the same guard as a removal.
        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, [Staying], [Joining]));
        await using var quorum = await EtcdQuorumWatcher.StartAsync(H[0], H.Take(3));
        await using var api = ApiEndpointWatcher.Start(H[0], Staying.Address);

        var (result, run) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var etcd = await quorum.StopAsync();
        var outage = await api.StopAsync();
        await TestContext.Out.WriteLineAsync($"{etcd}\n{outage}");

        Assert.That(result.Converged, Is.True, result.Error);
        etcd.AssertHeld();
        outage.AssertNoOutage();
        var rows = run.StartedRows.ToList();
        var haproxy = await HaproxyStateAsync(Joining);
        var kubelet = await Lab.ShellAsync(Joining, "/usr/local/sbin/systemctl is-active kubelet");
        var nodes = await ClusterChecks.NodesAsync(Lab, H[0]);
        using var inventory = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Cluster.StateDir, "clusters", "e2e-lbdrain", "inventory.json")));
        var roles = inventory.RootElement.EnumerateArray().Where(e => e.GetProperty("name").GetString() == Joining.Name)
            .Select(e => string.Join(",", e.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))).ToList();
        var (exit, output, error) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);
        Assert.Multiple(() =>
        {
            Assert.That(rows.IndexOf($"RemoveLoadBalancer {Joining.Name}"), Is.LessThan(rows.IndexOf($"JoinWorker {Joining.Name}")).And.Not.EqualTo(-1), string.Join("\n", rows));
            Assert.That(run.Started.Single(s => s.Kind == StepKind.RemoveLoadBalancer).Reason,
                Does.StartWith($"{Joining.Name} stays in the spec as Worker and gives up its LoadBalancer role").And.EndWith($"{Staying.Name} serves the endpoint {Staying.Address}:6443"));
            Assert.That(haproxy, Does.Match(@"^(inactive|failed)\ndisabled\n"), "haproxy on the former load balancer");
            Assert.That(haproxy, Does.Contain("haproxy.cfg.removed-"), "its haproxy.cfg is moved aside");
            Assert.That(kubelet.StandardOutput.Trim(), Is.EqualTo("active"));
            Assert.That(nodes, Does.Contain(Joining.Name));
            Assert.That(roles, Is.EqualTo(new[] { "Worker" }), "the inventory remembers it as a worker now");
            Assert.That(exit, Is.EqualTo(0), "the next plan is empty:\n" + output + error);
        });
    }

    /// <summary>The Node's labels and HaKube's annotation, as "k=v" lines sorted, then "owned=...".</summary>
    private async Task<string> NodeLabelsAsync(LabHost node)
    {
        var result = await Lab.ShellAsync(H[0], $"kubectl --kubeconfig /etc/kubernetes/admin.conf get node {node.Name} -o json");
        using var json = JsonDocument.Parse(result.StandardOutput);
        var metadata = json.RootElement.GetProperty("metadata");
        var labels = metadata.GetProperty("labels").EnumerateObject().Where(p => !p.Name.Contains("kubernetes.io", StringComparison.Ordinal))
            .Select(p => $"{p.Name}={p.Value.GetString()}").Order(StringComparer.Ordinal);
        var owned = metadata.TryGetProperty("annotations", out var a) && a.TryGetProperty("hakube.io/labels", out var o) ? o.GetString() : null;
        return string.Join("\n", labels.Append($"owned={owned}"));
    }

    [Test, Order(5)]
    public async Task Apply_WorkerLabelsChangeAndANodeJoinedByHand_LabelsFollowTheSpecAndTheStrangerIsReported()
    {
        // A label someone else set, and a Node no spec host matches, created through the API by hand.
        var admin = "d=$(mktemp -d); for k in certificate key; do sed -n \"s/^ *client-$k-data: *//p\" /etc/kubernetes/admin.conf | base64 -d > $d/$k; done; ";
        await Lab.ShellAsync(H[0], $"kubectl --kubeconfig /etc/kubernetes/admin.conf label node {Joining.Name} team=blue");
        var created = await Lab.ShellAsync(H[0], admin + $"curl -sS -o /dev/null -w '%{{http_code}}' --cacert /etc/kubernetes/pki/ca.crt --cert $d/certificate --key $d/key -H 'Content-Type: application/json' " +
            $"-d '{{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{{\"name\":\"byhand\"}}}}' https://{H[0].Address}:6443/api/v1/nodes; rm -rf $d");
        Assert.That(created.StandardOutput.Trim(), Is.EqualTo("201"), created.StandardError);

        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, [Staying], [Joining], "{zone: a, tier: web}"));
        var (first, firstRun) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var added = await NodeLabelsAsync(Joining);

        await File.WriteAllTextAsync(Cluster.Manifest, Manifest(H, [Staying], [Joining], "{zone: b}"));
        var (second, secondRun) = await MembershipRun.ApplyAsync(Cluster, ApplyLimit);
        var changed = await NodeLabelsAsync(Joining);
        var nodes = await ClusterChecks.NodesAsync(Lab, H[0]);
        var (exit, output, error) = await LabCluster.RunAsync("plan", "-f", Cluster.Manifest, "--state-dir", Cluster.StateDir);

        Assert.That((first.Converged, second.Converged), Is.EqualTo((true, true)), first.Error + second.Error);
        Assert.Multiple(() =>
        {
            Assert.That(firstRun.StartedRows, Does.Contain($"LabelNodes {Joining.Name}"));
            Assert.That(added, Is.EqualTo("team=blue\ntier=web\nzone=a\nowned=tier,zone"));
            Assert.That(secondRun.Started.Single(s => s.Kind == StepKind.LabelNodes).Reason, Does.Contain($"{Joining.Name}: set zone=b; remove tier"));
            Assert.That(changed, Is.EqualTo("team=blue\nzone=b\nowned=zone"), "tier removed, team (not HaKube's) kept");
            Assert.That(nodes, Does.Contain("byhand"), "never deleted");
            Assert.That(exit, Is.EqualTo(0), output + error);
            Assert.That(output, Does.Contain("converged, nothing to do").And.Contain("unmanaged Nodes (no spec host, never set up by HaKube; left alone): byhand"));
        });
    }
}
