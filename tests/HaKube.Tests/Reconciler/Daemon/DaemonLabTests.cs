using System.CommandLine;
using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Actions.Ssh;
using HaKube.Reconciler.Cli;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Telemetry;
using HaKube.Tests.Lab;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Daemon;

/// <summary>
/// Directory mode end to end on the lab: two clusters in one manifest directory, each on its own
/// lab, the real reconciler (observing and planning only) behind the real loop.
/// </summary>
[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class DaemonLabTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private LabHosts? _one;
    private LabHosts? _two;
    private string _manifests = "";
    private string _state = "";

    [OneTimeSetUp]
    public async Task StartLabs()
    {
        _manifests = Directory.CreateTempSubdirectory("hakube-daemon-lab-m-").FullName;
        _state = Directory.CreateTempSubdirectory("hakube-daemon-lab-s-").FullName;
        _one = await LabHosts.StartAsync(2, new LabOptions("dma", "127.0.81"), CancellationToken.None);
        _two = await LabHosts.StartAsync(2, new LabOptions("dmb", "127.0.82"), CancellationToken.None);
        await WriteManifestAsync("one", _one);
        await WriteManifestAsync("two", _two);
    }

    [OneTimeTearDown]
    public async Task StopLabs()
    {
        if (_one is not null)
        {
            await _one.DisposeAsync();
        }

        if (_two is not null)
        {
            await _two.DisposeAsync();
        }

        DaemonTestSupport.DeleteQuietly(_manifests);
        DaemonTestSupport.DeleteQuietly(_state);
    }

    [Test]
    public async Task Run_TwoClustersOneHostPoweredOff_StatusShowsEachAndTheHostReturnsAtTheNextResync()
    {
        var one = _one ?? throw new InvalidOperationException("lab not started");
        var off = one.Hosts[1];
        await one.PowerOffAsync(off);
        var options = new DaemonOptions
        {
            ManifestsDirectory = _manifests,
            StateDirectory = _state,
            Resync = TimeSpan.FromSeconds(3),
            ObserveOnly = true,
        };
        await using var pool = new SshConnectionPool(new SshSettings { ConnectTimeout = TimeSpan.FromSeconds(3) });
        var reconciler = new ClusterReconciler(pool, options, TimeProvider.System, NullLogger<ClusterReconciler>.Instance);
        var loop = new ReconcileLoop(options, reconciler, new HealthState(), TimeProvider.System, NullLogger<ReconcileLoop>.Instance);
        var statuses = new StatusWriter(_state);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            var seen = await DaemonTestSupport.EventuallyAsync(async () => (await statuses.ReadAllAsync(CancellationToken.None)).Count(d => d.Status.Hosts.Count > 0) == 2, Bound);
            var first = await statuses.ReadAsync("one", CancellationToken.None);
            var second = await statuses.ReadAsync("two", CancellationToken.None);
            var json = await StatusJsonAsync("two");

            Assert.Multiple(() =>
            {
                Assert.That(seen, Is.True, "both clusters get a status");
                Assert.That(second!.Status.Hosts.Select(h => h.Reachable), Has.All.True);
                Assert.That(Conditions.Get(second.Status.Conditions, ConditionTypes.HostsReachable)?.Status, Is.EqualTo(ConditionStatus.True));
                Assert.That(second.Status.Plan.Select(s => s.Action), Has.Some.EqualTo("PrepareHost"), "a fresh lab host needs preparing");
                Assert.That(second.Status.Plan.Select(s => s.Reason), Has.All.Not.Empty);
                Assert.That(first!.Status.Hosts.Single(h => h.Name == off.Name).Reachable, Is.False);
                Assert.That(first.Status.Hosts.Single(h => h.Name != off.Name).Reachable, Is.True);
                Assert.That(Conditions.Get(first.Status.Conditions, ConditionTypes.HostsReachable)?.Message, Does.Contain(off.Name));
                Assert.That(json.GetProperty("status").GetProperty("hosts").GetArrayLength(), Is.EqualTo(2), "hakube status reads the same file");
            });

            await one.PowerOnAsync(off);
            var back = await DaemonTestSupport.EventuallyAsync(
                async () => await statuses.ReadAsync("one", CancellationToken.None) is { } d && d.Status.Hosts.All(h => h.Reachable),
                Bound);
            var after = await statuses.ReadAsync("one", CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(back, Is.True, "the next resync finds the host reachable");
                Assert.That(Conditions.Get(after!.Status.Conditions, ConditionTypes.HostsReachable)?.Status, Is.EqualTo(ConditionStatus.True));
            });
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await loop.StopAsync(stop.Token);
            await one.PowerOnAsync(off);
        }
    }

    private async Task WriteManifestAsync(string name, LabHosts lab)
    {
        var folder = Path.Combine(_manifests, name);
        Directory.CreateDirectory(Path.Combine(folder, "keys"));
        File.Copy(lab.ClientKeyPath, Path.Combine(folder, "keys", "id_ed25519"));
        File.Copy(lab.KnownHostsPath, Path.Combine(folder, "keys", "known_hosts"));
        var hosts = lab.Hosts.Select((h, i) => $"  - {{name: {h.Name}, address: {h.Address}, roles: [{(i == 0 ? "ControlPlane" : "Worker")}]}}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "cluster.yaml"), $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: {{name}}}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: api.{{name}}.internal}
              networking: {cni: None}
              allowNonHighlyAvailable: true
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:

            """ + string.Concat(hosts));
    }

    private async Task<JsonElement> StatusJsonAsync(string name)
    {
        var output = new StringWriter();
        var exit = await HakubeCommand.Create().Parse(["status", name, "--state-dir", _state, "--output", "json"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() });
        Assert.That(exit, Is.Zero);
        using var document = JsonDocument.Parse(output.ToString());
        return document.RootElement.Clone();
    }
}
