using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Lab;
using HaKube.Tests.Reconciler.Daemon;
using HaKube.Tests.Reconciler.Kubernetes;
using k8s;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Custom-resource mode end to end: the real daemon (<c>hakube run --kubernetes</c>, in-process)
/// against the stand-in API server, with the real reconciler on real lab hosts - three stacked
/// control planes, one worker, HAProxy. The SSH key and the known_hosts are in Secrets; the test
/// only creates and deletes the HaCluster and reads what the daemon wrote (status, Events, Secrets)
/// and the hosts. Every change to a host is the daemon's.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class CustomResourceLabTests
{
    private const string Name = "cr-stacked";
    private const string Ns = KubeTestSupport.Namespace;
    private static readonly TimeSpan BringUp = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private LabHosts? _lab;
    private StandinApiServer? _server;
    private k8s.Kubernetes? _client;
    private string _folder = "";
    private CancellationTokenSource? _stop;
    private Task<int>? _daemon;
    private readonly StringWriter _daemonErrors = new();

    private LabHosts Lab => _lab ?? throw new InvalidOperationException("lab not started");

    private StandinApiServer Server => _server ?? throw new InvalidOperationException("API server not started");

    private List<LabHost> ControlPlanes => Lab.Hosts.Take(3).ToList();

    private LabHost Worker => Lab.Hosts[3];

    private LabHost LoadBalancer => Lab.Hosts[4];

    private string StateDir => Path.Combine(_folder, "state");

    [OneTimeSetUp]
    public async Task StartLabApiServerAndDaemon()
    {
        _folder = Directory.CreateTempSubdirectory("hakube-cr1-").FullName;
        Directory.CreateDirectory(StateDir);
        _lab = await LabHosts.StartAsync(5, new LabOptions("cr1", "127.0.96"), CancellationToken.None);
        _server = StandinApiServer.Start();
        _client = KubeTestSupport.Client(Server);
        Server.PutSecret(Ns, "cr-ssh", new Dictionary<string, byte[]>
        {
            ["id_ed25519"] = await File.ReadAllBytesAsync(Lab.ClientKeyPath),
            ["known_hosts"] = await File.ReadAllBytesAsync(Lab.KnownHostsPath),
        });
        var kubeconfig = Path.Combine(_folder, "kubeconfig");
        await KubeTestSupport.WriteKubeconfigAsync(Server, kubeconfig);
        _stop = new CancellationTokenSource();
        string[] args = ["run", "--kubernetes", "--kubeconfig", kubeconfig, "--namespace", Ns, "--state-dir", StateDir, "--resync", "5s", "--metrics-address", $"127.0.0.1:{FreePort()}"];
        _daemon = HakubeCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = _daemonErrors }, _stop.Token);
        await KubeTestSupport.CreateAsync(_client, Name, Spec());
    }

    [OneTimeTearDown]
    public async Task StopEverything()
    {
        try
        {
            if (_stop is not null && _daemon is not null)
            {
                await _stop.CancelAsync();
                await _daemon.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        finally
        {
            _stop?.Dispose();
            if (_daemon is { IsCompleted: true })
            {
                _daemon.Dispose();
            }

            _client?.Dispose();
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            if (_lab is not null)
            {
                await _lab.DisposeAsync();
            }

            DaemonTestSupport.DeleteQuietly(_folder);
        }
    }

    [Test, Order(1)]
    public async Task Create_HaCluster_StatusReadyWithObservedGenerationAndEveryCondition()
    {
        var ready = await DaemonTestSupport.EventuallyAsync(() => Status()?["phase"]?.GetValue<string>() == "Ready", BringUp);
        var status = Status();
        var (exit, shown, error) = await LabCluster.RunAsync("status", "--kubernetes", "--kubeconfig", Path.Combine(_folder, "kubeconfig"), "--namespace", Ns, "--output", "json", Name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ready, Is.True, Describe(status));
            Assert.That(exit, Is.Zero, error);
            Assert.That(JsonNode.Parse(shown)?["status"]?["hosts"]?.AsArray().Select(h => h?["reachable"]?.GetValue<bool>()), Is.EqualTo(Enumerable.Repeat<bool?>(true, 5)), "hakube status --kubernetes shows what the daemon wrote: " + shown);
            Assert.That(status?["observedGeneration"]?.ToJsonString(), Is.EqualTo("1"));
            Assert.That(Condition(status, "Ready"), Is.EqualTo(("True", "Converged")));
            Assert.That(Condition(status, "ControlPlaneAvailable"), Is.EqualTo(("True", "ApiServersListening")));
            Assert.That(Condition(status, "EtcdHealthy"), Is.EqualTo(("True", "MembersHealthy")));
            Assert.That(Condition(status, "LoadBalancerReady"), Is.EqualTo(("True", "HaproxyRunning")));
            Assert.That(Condition(status, "CertificatesValid"), Is.EqualTo(("True", "NotExpiring")));
            Assert.That(Condition(status, "HostsReachable"), Is.EqualTo(("True", "AllHostsReachable")));
            Assert.That(Condition(status, "Paused"), Is.EqualTo(("False", "Active")));
            Assert.That(status?["conditions"]?.AsArray().Select(c => c?["observedGeneration"]?.ToJsonString()), Has.All.EqualTo("1"));
            Assert.That(status?["plan"]?.AsArray(), Is.Empty);
        }
    }

    [Test, Order(2)]
    public async Task Converged_HostsAreWhatTheSpecSays()
    {
        var etcd = await ClusterChecks.EtcdAsync(Lab, ControlPlanes[0], ControlPlanes);
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlanes[0]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(etcd.Members, Is.EquivalentTo(ControlPlanes.Select(h => h.Name)), etcd.Output);
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(backends.Keys, Is.EquivalentTo(ControlPlanes.Select(h => h.Name)));
            Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
            Assert.That(nodes, Is.EquivalentTo(ControlPlanes.Append(Worker).Select(h => h.Name)));
        }
    }

    [Test, Order(3)]
    public async Task State_AuthoritiesAndAdminKubeconfigInSecrets_NotInTheStateDirectory()
    {
        var authorities = Server.Get(StandinApiServer.Secrets, Ns, $"hakube-{Name}-authorities");
        var admin = Server.Get(StandinApiServer.Secrets, Ns, $"hakube-{Name}-admin-conf");
        var stored = Decode(authorities, "authorities.json");
        var clusterCa = stored is null ? null : JsonNode.Parse(stored)?["clusterCa"]?["certificate"]?.GetValue<string>();
        var onHost = await File.ReadAllTextAsync(ControlPlanes[1].PathOnMachine("/etc/kubernetes/pki/ca.crt"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(authorities, Is.Not.Null, "Secret hakube-cr-stacked-authorities");
            Assert.That(authorities?["metadata"]?["labels"]?["hakube.io/cluster"]?.GetValue<string>(), Is.EqualTo(Name));
            Assert.That(authorities?["metadata"]?["ownerReferences"], Is.Null);
            Assert.That(clusterCa?.Trim(), Is.EqualTo(onHost.Trim()), "the hosts' cluster CA is the one in the Secret");
            Assert.That(Decode(admin, "admin.conf"), Does.Contain($"server: https://{LoadBalancer.Address}:6443"));
            Assert.That(Directory.EnumerateFileSystemEntries(StateDir, "*", SearchOption.AllDirectories), Is.Empty, "nothing in --state-dir in custom-resource mode");
        }

        await Task.Yield();
    }

    [Test, Order(3)]
    public async Task Kubeconfig_Kubernetes_PrintsTheSecretsAdminKubeconfigThatReachesTheCluster()
    {
        var (exit, kubeconfig, error) = await LabCluster.RunAsync("kubeconfig", Name, "--kubernetes", "--kubeconfig", Path.Combine(_folder, "kubeconfig"), "--namespace", Ns);
        var onHost = "/root/hakube-kubeconfig-from-secret";
        await File.WriteAllTextAsync(ControlPlanes[1].PathOnMachine(onHost), kubeconfig);
        var nodes = await Lab.ShellAsync(ControlPlanes[1], $"kubectl --kubeconfig {onHost} get nodes -o name");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(kubeconfig, Is.EqualTo(Decode(Server.Get(StandinApiServer.Secrets, Ns, $"hakube-{Name}-admin-conf"), "admin.conf")));
            Assert.That(nodes.Succeeded, Is.True, nodes.StandardError);
            Assert.That(nodes.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(4), "every node, asked through the load balancer with the printed kubeconfig: " + nodes.StandardOutput);
        }
    }

    [Test, Order(4)]
    public void Events_RecordedForTheActions()
    {
        var events = Server.Events.Where(e => e["involvedObject"]?["name"]?.GetValue<string>() == Name).ToList();
        var reasons = events.Select(e => e["reason"]?.GetValue<string>()).ToList();
        var stepsRun = events.Where(e => e["reason"]?.GetValue<string>() == "StepsRun").Select(e => e["message"]?.GetValue<string>() ?? "").ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reasons, Does.Contain("Managed").And.Contain("StepsRun").And.Contain("Converged"), string.Join(", ", reasons));
            Assert.That(stepsRun, Has.Some.Match(@"^ran [1-9]\d* step\(s\)"), string.Join(" | ", stepsRun));
            Assert.That(events.Select(e => e["type"]?.GetValue<string>()), Has.All.EqualTo("Normal"), string.Join(" | ", events.Select(e => e["message"])));
        }
    }

    [Test, Order(5)]
    public async Task Delete_HaCluster_FinalizerRunsSecretsStayAndHostsKeepRunning()
    {
        await _client!.CustomObjects.DeleteNamespacedCustomObjectAsync(KubeTestSupport.Group, KubeTestSupport.Version, Ns, KubeTestSupport.Plural, Name);

        var gone = await DaemonTestSupport.EventuallyAsync(() => Server.Get(StandinApiServer.HaClusters, Ns, Name) is null, Bound);
        var deletedEvent = Server.Events.Any(e => e["reason"]?.GetValue<string>() == "ManifestDeleted");
        var sessionsAfterDelete = Lab.Hosts.Select(LabHosts.CountSessions).ToList();
        await Task.Delay(TimeSpan.FromSeconds(12)); // two resync periods: a managed cluster would have been probed
        var sessionsLater = Lab.Hosts.Select(LabHosts.CountSessions).ToList();
        var etcd = await ClusterChecks.EtcdAsync(Lab, ControlPlanes[0], ControlPlanes);
        var nodes = await ClusterChecks.NodesAsync(Lab, ControlPlanes[0]);
        var backends = await ClusterChecks.HaproxyBackendsAsync(Lab, LoadBalancer);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gone, Is.True, "the daemon removed its finalizer, so the API server deleted the object");
            Assert.That(deletedEvent, Is.True);
            Assert.That(sessionsLater, Is.EqualTo(sessionsAfterDelete), "no SSH session on any host once the HaCluster is gone");
            Assert.That(Server.Get(StandinApiServer.Secrets, Ns, $"hakube-{Name}-authorities"), Is.Not.Null, "the authorities outlive the HaCluster");
            Assert.That(etcd.Healthy, Is.True, etcd.Output);
            Assert.That(etcd.Members, Has.Count.EqualTo(3), etcd.Output);
            Assert.That(nodes, Has.Count.EqualTo(4));
            Assert.That(backends.Values, Has.All.StartsWith("UP"), string.Join(", ", backends));
            Assert.That(_daemon!.IsCompleted, Is.False, "the daemon keeps running: " + _daemonErrors);
        }
    }

    private JsonObject Spec()
    {
        var hosts = new JsonArray();
        foreach (var (host, role) in ControlPlanes.Select(h => (h, "ControlPlane")).Append((Worker, "Worker")).Append((LoadBalancer, "LoadBalancer")))
        {
            hosts.Add(new JsonObject { ["name"] = host.Name, ["address"] = host.Address, ["roles"] = new JsonArray(role) });
        }

        return new JsonObject
        {
            ["kubernetesVersion"] = "v1.31.4",
            ["controlPlaneEndpoint"] = new JsonObject { ["host"] = LoadBalancer.Address, ["port"] = 6443 },
            ["loadBalancer"] = new JsonObject { ["provider"] = "HAProxy", ["hosts"] = new JsonArray(LoadBalancer.Name) },
            ["etcd"] = new JsonObject { ["topology"] = "Stacked" },
            ["networking"] = new JsonObject { ["podSubnet"] = "192.168.0.0/16", ["cni"] = "Calico" },
            ["ssh"] = new JsonObject
            {
                ["privateKeySecretRef"] = new JsonObject { ["name"] = "cr-ssh", ["key"] = "id_ed25519" },
                ["knownHostsSecretRef"] = new JsonObject { ["name"] = "cr-ssh", ["key"] = "known_hosts" },
            },
            ["hosts"] = hosts,
        };
    }

    private JsonNode? Status() => Server.Get(StandinApiServer.HaClusters, Ns, Name)?["status"];

    private static (string?, string?) Condition(JsonNode? status, string type) =>
        status?["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == type) is { } c
            ? (c["status"]?.GetValue<string>(), c["reason"]?.GetValue<string>())
            : (null, null);

    private string Describe(JsonNode? status) =>
        status is null
            ? "no status yet; daemon: " + _daemonErrors
            : $"phase {status["phase"]}; " + string.Join("; ", (status["conditions"]?.AsArray() ?? []).Select(c => $"{c?["type"]}={c?["status"]} {c?["reason"]}: {c?["message"]}"))
              + "; plan: " + string.Join(", ", (status["plan"]?.AsArray() ?? []).Select(s => s?["action"]));

    private static string? Decode(JsonObject? secret, string key) =>
        secret?["data"]?[key]?.GetValue<string>() is { } base64 ? Encoding.UTF8.GetString(Convert.FromBase64String(base64)) : null;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
