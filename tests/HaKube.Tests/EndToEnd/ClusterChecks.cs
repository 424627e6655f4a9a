using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// What an end-to-end test checks on the lab after apply, looking with the real tools from inside
/// the hosts: etcdctl with the issued certificates, HAProxy's runtime API, kubectl with the admin
/// kubeconfig, and the files on disk with their modes.
/// </summary>
internal static class ClusterChecks
{
    /// <summary>Member names of the etcd cluster and whether every endpoint reports healthy, asked with the healthcheck-client certificate.</summary>
    public static async Task<(IReadOnlyList<string> Members, bool Healthy, string Output)> EtcdAsync(LabHosts lab, LabHost on, IEnumerable<LabHost> members)
    {
        var etcdctl = Etcdctl(members);
        var list = await lab.ShellAsync(on, $"{etcdctl} member list -w json");
        var health = await lab.ShellAsync(on, $"{etcdctl} endpoint health");
        var names = new List<string>();
        if (list.Succeeded)
        {
            using var json = JsonDocument.Parse(list.StandardOutput);
            names.AddRange(json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString() ?? ""));
        }

        return (names, list.Succeeded && health.Succeeded, list.StandardOutput + list.StandardError + health.StandardOutput + health.StandardError);
    }

    /// <summary>`etcdctl ARGUMENTS` run on <paramref name="on"/> against its own member, with the healthcheck-client certificate; does not throw.</summary>
    public static Task<LabCommandResult> EtcdctlAsync(LabHosts lab, LabHost on, string arguments) =>
        lab.ShellAsync(on, $"{Etcdctl([on])} {arguments}");

    /// <summary>`etcdctl member list` asked on <paramref name="on"/>: a line "ID, started, NAME, PEER URLS, CLIENT URLS, LEARNER" per member.</summary>
    public static async Task<string> EtcdMemberListAsync(LabHosts lab, LabHost on) =>
        (await EtcdctlAsync(lab, on, "member list")).EnsureSuccess($"etcdctl member list on {on.Name}").StandardOutput;

    private static string Etcdctl(IEnumerable<LabHost> endpoints) =>
        $"ETCDCTL_API=3 {LabEtcd.Etcdctl} --endpoints={string.Join(',', endpoints.Select(m => $"https://{m.Address}:2379"))} " +
        "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key --dial-timeout=2s --command-timeout=5s";

    /// <summary>
    /// `hakube apply` of <paramref name="cluster"/>'s manifest while etcd is sampled every 100 ms through
    /// <paramref name="etcdMembers"/> and /readyz through <paramref name="loadBalancer"/> (trusting
    /// <paramref name="caSource"/>'s CA); asserts that it succeeded with quorum held and no API outage,
    /// and that each of <paramref name="restarted"/> (the control planes whose API servers the apply
    /// restarts) was out of HAProxy for a while (in maintenance), and none is left there.
    /// </summary>
    public static async Task ApplyWatchedAsync(LabCluster cluster, IReadOnlyList<LabHost> etcdMembers, LabHost caSource, LabHost loadBalancer, string what, IReadOnlyList<LabHost> restarted)
    {
        await using var etcd = await EtcdQuorumWatcher.StartAsync(etcdMembers[0], etcdMembers);
        await using var api = ApiEndpointWatcher.Start(caSource, loadBalancer.Address);
        await using var haproxy = HaproxyMaintenanceWatcher.Start(loadBalancer);
        var clock = Stopwatch.StartNew();

        var (exit, output, error) = await LabCluster.RunAsync("apply", "-f", cluster.Manifest, "--yes", "--state-dir", cluster.StateDir);

        var took = clock.Elapsed;
        var etcdReport = await etcd.StopAsync();
        var apiReport = await api.StopAsync();
        var (drained, samples, lastError) = await haproxy.StopAsync();
        var left = await HaproxyMaintenanceWatcher.InMaintenanceAsync(loadBalancer, CancellationToken.None);
        await TestContext.Out.WriteLineAsync($"{what} apply took {took.TotalSeconds:0.0} s; etcd watch: {etcdReport}; API watch: {apiReport} {string.Join("; ", apiReport.Failures)}; " +
            $"HAProxy: {samples} samples, in maintenance at some point: {string.Join(", ", drained.Order(StringComparer.Ordinal))}{(lastError is null ? "" : $" (last error {lastError})")}");
        await TestContext.Out.WriteLineAsync(output);
        Assert.That(exit, Is.Zero, output + error);
        etcdReport.AssertHeld();
        apiReport.AssertNoOutage();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(drained, Is.SupersetOf(restarted.Select(h => h.Name)), "each restarted control plane out of HAProxy meanwhile");
            Assert.That(left, Is.Empty, "no control plane left in maintenance");
        }
    }

    /// <summary>The notAfter of a certificate file on a host, or of the client certificate a kubeconfig (*.conf) embeds, read with the host's openssl.</summary>
    public static async Task<DateTimeOffset> NotAfterAsync(LabHosts lab, LabHost host, string path)
    {
        var read = path.EndsWith(".conf", StringComparison.Ordinal)
            ? $"sed -n 's/^ *client-certificate-data: *//p' {path} | base64 -d | openssl x509 -noout -enddate"
            : $"openssl x509 -noout -enddate -in {path}";
        var result = (await lab.ShellAsync(host, read)).EnsureSuccess($"read the notAfter of {path} on {host.Name}");
        // "notAfter=Dec 19 14:10:02 2026 GMT"
        var text = result.StandardOutput.Trim()["notAfter=".Length..].Replace("  ", " ", StringComparison.Ordinal);
        return DateTimeOffset.ParseExact(text, "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>The hosts of `hakube probe --output json`, by name, wherever the output nests them.</summary>
    public static IReadOnlyDictionary<string, JsonElement> ProbedHosts(JsonElement root)
    {
        var hosts = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                if (element.TryGetProperty("host", out var name) && name.ValueKind == JsonValueKind.String && element.TryGetProperty("reachable", out _))
                {
                    hosts[name.GetString()!] = element.Clone();
                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        Walk(root);
        return hosts;
    }

    /// <summary>
    /// Backend server name to status (UP, DOWN, ...) as HAProxy's stats socket reports it, once no
    /// server is between states ("DOWN 1/2": a server that just came up passes its rise checks in a
    /// few seconds), or after 20 s (bounded) with whatever it says then.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> HaproxyBackendsAsync(LabHosts lab, LabHost loadBalancer)
    {
        var servers = await HaproxyBackendsNowAsync(lab, loadBalancer);
        for (var attempt = 0; attempt < 40 && servers.Values.Any(status => status.Contains('/', StringComparison.Ordinal)); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            servers = await HaproxyBackendsNowAsync(lab, loadBalancer);
        }

        return servers;
    }

    private static async Task<IReadOnlyDictionary<string, string>> HaproxyBackendsNowAsync(LabHosts lab, LabHost loadBalancer)
    {
        var stats = await lab.ShellAsync(loadBalancer,
            """/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect("/run/haproxy/admin.sock"); s.sendall(b"show stat\n"); print(s.makefile().read())'""");
        var servers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in stats.StandardOutput.Split('\n'))
        {
            var fields = line.Split(',');
            // CSV: pxname, svname, ..., status is the 18th field.
            if (fields.Length > 17 && fields[1] is not ("FRONTEND" or "BACKEND") && !line.StartsWith('#'))
            {
                servers[fields[1]] = fields[17];
            }
        }

        return servers;
    }

    /// <summary>Node names kube-apiserver knows, asked with the admin kubeconfig on a control plane.</summary>
    public static async Task<IReadOnlyList<string>> NodesAsync(LabHosts lab, LabHost controlPlane)
    {
        var result = await lab.ShellAsync(controlPlane, "kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o name");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Replace("node/", "", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Every file under /etc/kubernetes/pki as "relative/path mode", sorted.</summary>
    public static async Task<IReadOnlyList<string>> PkiFilesAsync(LabHosts lab, LabHost host)
    {
        var result = await lab.ShellAsync(host, "[ -d /etc/kubernetes/pki ] && find /etc/kubernetes/pki -type f -printf '%P %m\\n' | LC_ALL=C sort || true");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The PKI files kubeadm leaves on a control plane, with kubeadm's modes (certificates 644, keys 600).</summary>
    public static IReadOnlyList<string> ControlPlanePki(bool stacked)
    {
        var files = new List<string>
        {
            "apiserver-etcd-client.crt 644", "apiserver-etcd-client.key 600",
            "apiserver-kubelet-client.crt 644", "apiserver-kubelet-client.key 600",
            "apiserver.crt 644", "apiserver.key 600",
            "ca.crt 644", "ca.key 600",
            "etcd/ca.crt 644",
            "front-proxy-ca.crt 644", "front-proxy-ca.key 600",
            "front-proxy-client.crt 644", "front-proxy-client.key 600",
            "sa.key 600", "sa.pub 600",
        };
        if (stacked)
        {
            files.AddRange(["etcd/ca.key 600", "etcd/healthcheck-client.crt 644", "etcd/healthcheck-client.key 600", "etcd/peer.crt 644", "etcd/peer.key 600", "etcd/server.crt 644", "etcd/server.key 600"]);
        }

        return [.. files.Order(StringComparer.Ordinal)];
    }

    /// <summary>The PKI files HaKube puts on an external etcd member: no CA key, ever.</summary>
    public static IReadOnlyList<string> EtcdMemberPki { get; } =
    [
        "etcd/ca.crt 644", "etcd/healthcheck-client.crt 644", "etcd/healthcheck-client.key 600",
        "etcd/peer.crt 644", "etcd/peer.key 600", "etcd/server.crt 644", "etcd/server.key 600",
    ];

    /// <summary>A worker holds only the cluster CA certificate kubeadm join writes.</summary>
    public static IReadOnlyList<string> WorkerPki { get; } = ["ca.crt 644"];
}
