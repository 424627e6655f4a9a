using System.CommandLine;
using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Actions.Ssh;
using HaKube.Model.Status;
using HaKube.Reconciler.Cli;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Manifests;
using HaKube.Reconciler.Telemetry;
using HaKube.Tests.Lab;
using HaKube.Tests.Reconciler.Daemon;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Directory mode end to end on the lab: two clusters in one manifest directory, each on its own
/// lab, the real reconciler (observing and planning only) behind the real loop.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(14)]
[SupportedOSPlatform("linux")]
public sealed class TwoClusterDaemonLabTests : LabFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private LabHosts? _one;
    private string _manifests = "";
    private string _state = "";

    protected override async Task StartAsync()
    {
        _manifests = OwnTempFolder("hakube-daemon-lab-m-");
        _state = OwnTempFolder("hakube-daemon-lab-s-");
        // Through locals: NUnit's analyzer does not see that Own's tear-down disposes them.
        var one = Own(await LabHosts.StartAsync(2, new LabOptions("dma", "127.0.81"), CancellationToken.None));
        var two = Own(await LabHosts.StartAsync(2, new LabOptions("dmb", "127.0.82"), CancellationToken.None));
        _one = one;
        await WriteManifestAsync("one", one);
        await WriteManifestAsync("two", two);
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

    [Test]
    public async Task ReconcileAsync_ManyPasses_EachVersionCommandRunsOncePerHostUntilTheBinaryChanges()
    {
        // A strict host of its own: its /usr/bin is an overlay, so counting binaries written there
        // are its alone (a lenient host shares the machine's /usr/bin).
        await using var lab = await LabHosts.StartAsync(1, new LabOptions("dmc", "127.0.83", Strictness: LabStrictness.Strict), CancellationToken.None);
        var host = lab.Hosts[0];
        const string Calls = "/tmp/hakube-version-calls";
        await InstallCountingBinariesAsync(lab, host, Calls, "v1.31.4");
        var manifests = Directory.CreateTempSubdirectory("hakube-daemon-lab-v-").FullName;
        try
        {
            await WriteManifestAsync("versions", lab, manifests);
            var options = new DaemonOptions { ManifestsDirectory = manifests, StateDirectory = _state, ObserveOnly = true };
            await using var pool = new SshConnectionPool(new SshSettings { ConnectTimeout = TimeSpan.FromSeconds(3) });
            var reconciler = new ClusterReconciler(pool, options, TimeProvider.System, NullLogger<ClusterReconciler>.Instance);
            var loaded = await ManifestFiles.LoadAsync([Path.Combine(manifests, "versions", "cluster.yaml")], Token);
            Assert.That(loaded.Manifests, Has.Count.EqualTo(1), string.Join("; ", loaded.Errors));
            var manifest = loaded.Manifests[0];

            for (var pass = 0; pass < 5; pass++)
            {
                var result = await reconciler.ReconcileAsync(manifest, Token);
                Assert.That(result.Status.Hosts.Single().KubeadmVersion, Is.EqualTo("v1.31.4"), $"pass {pass}");
            }

            var steady = await CallsAsync(lab, host, Calls);

            // A binary replaced on the host (an upgrade by hand) is read again, once.
            await InstallCountingBinariesAsync(lab, host, Calls, "v1.31.5", only: "kubeadm");
            for (var pass = 0; pass < 3; pass++)
            {
                var result = await reconciler.ReconcileAsync(manifest, Token);
                Assert.That(result.Status.Hosts.Single().KubeadmVersion, Is.EqualTo("v1.31.5"), $"pass {pass} after the change");
            }

            var afterChange = await CallsAsync(lab, host, Calls);
            Assert.Multiple(() =>
            {
                Assert.That(steady, Is.EquivalentTo(new[] { "kubeadm version -o short", "kubectl version --client", "kubelet --version" }), "five passes, one version command per binary");
                Assert.That(afterChange.Skip(steady.Count), Is.EqualTo(new[] { "kubeadm version -o short" }), "only the replaced binary is asked again");
            });
        }
        finally
        {
            DaemonTestSupport.DeleteQuietly(manifests);
        }
    }

    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    /// <summary>Shell scripts at /usr/bin that log each call to <paramref name="calls"/> and answer as the real binaries do.</summary>
    private static async Task InstallCountingBinariesAsync(LabHosts lab, LabHost host, string calls, string version, string? only = null)
    {
        var answers = new Dictionary<string, string>
        {
            ["kubeadm"] = version,
            ["kubelet"] = $"Kubernetes {version}",
            ["kubectl"] = $"Client Version: {version}",
        };
        // A replacement carries a comment line, so its size differs even if the same second and a
        // reused inode left size:mtime:inode alone (the identity the probe keys versions by).
        var comment = only is null ? "" : " '# replaced by hand'";
        var script = string.Concat(answers.Where(a => only is null || a.Key == only).Select(a =>
            $"rm -f /usr/bin/{a.Key}; printf '%s\\n' '#!/bin/sh'{comment} 'echo \"${{0##*/}} $*\" >> {calls}' 'echo \"{a.Value}\"' > /usr/bin/{a.Key}; chmod 0755 /usr/bin/{a.Key}; "));
        var result = await lab.SshAsync(host, script, cancellationToken: Token);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
    }

    private static async Task<IReadOnlyList<string>> CallsAsync(LabHosts lab, LabHost host, string calls)
    {
        var result = await lab.SshAsync(host, $"cat {calls} 2>/dev/null || true", cancellationToken: Token);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Task WriteManifestAsync(string name, LabHosts lab) => WriteManifestAsync(name, lab, _manifests);

    private static async Task WriteManifestAsync(string name, LabHosts lab, string manifests)
    {
        var hosts = lab.Hosts.Select((h, i) => $"  - {{name: {h.Name}, address: {h.Address}, roles: [{(i == 0 ? "ControlPlane" : "Worker")}]}}\n");
        await LabManifest.WriteAsync(lab, Path.Combine(manifests, name), $$"""
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
