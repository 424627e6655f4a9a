using System.Runtime.Versioning;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Tests.Lab;
using HaKube.Tests.Reconciler.Daemon;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// The daemon survives any file in its directory: beside one good manifest (a control plane and a
/// worker) lie 60,000 nested '[', an alias bomb, a symlink to /dev/zero, a 2 MiB file, a manifest
/// whose podSubnet carries YAML through an IPv6 zone id, and one that signs in with the good
/// cluster's key from outside its own folder. The good cluster is reconciled to Ready; each bad
/// file gets a located error in its cluster's status or, naming none, in status/_files.json; a
/// hostile file written while the daemon runs changes nothing else.
/// </summary>
[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class HostileDirectoryLabTests() : LabHostsFixture(2, new LabOptions("hkhs", "127.0.77"))
{
    private static readonly TimeSpan BringUp = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(1);
    private string _manifests = "";
    private string _state = "";
    private DirectoryDaemon? _daemon;

    private StatusWriter Statuses => new(_state);

    protected override async Task StartAsync()
    {
        await base.StartAsync();
        _manifests = OwnTempFolder("hakube-hostile-m-");
        _state = OwnTempFolder("hakube-hostile-s-");
        await LabManifest.WriteAsync(Lab, Path.Combine(_manifests, "good"), Manifest("good", "192.168.0.0/16", "keys/id_ed25519"));

        await File.WriteAllTextAsync(Path.Combine(_manifests, "deep.yaml"), "spec: " + new string('[', 60_000) + "\n");
        await File.WriteAllTextAsync(Path.Combine(_manifests, "bomb.yaml"), AliasBomb());
        File.CreateSymbolicLink(Path.Combine(_manifests, "zero.yaml"), "/dev/zero");
        await File.WriteAllTextAsync(Path.Combine(_manifests, "big.yaml"), "# " + new string('x', 2 * 1024 * 1024) + "\n");
        Directory.CreateDirectory(Path.Combine(_manifests, "evil"));
        await File.WriteAllTextAsync(Path.Combine(_manifests, "evil", "cluster.yaml"), Manifest("evil", "\"fd00::%0a---\\nkind: ClusterRoleBinding/64\"", "keys/id_ed25519"));
        Directory.CreateDirectory(Path.Combine(_manifests, "thief"));
        await File.WriteAllTextAsync(Path.Combine(_manifests, "thief", "cluster.yaml"), Manifest("thief", "192.168.0.0/16", "../good/keys/id_ed25519"));

        var options = new DaemonOptions { ManifestsDirectory = _manifests, StateDirectory = _state, Resync = TimeSpan.FromSeconds(3), ObserveOnly = false };
        // Through a local: NUnit's analyzer does not see that Own's tear-down disposes it.
        var daemon = Own(await DirectoryDaemon.StartAsync(options));
        _daemon = daemon;
    }

    [Test, Order(1)]
    public async Task Run_HostileFilesBesideAGoodManifest_TheGoodClusterReachesReady()
    {
        var ready = await DaemonTestSupport.EventuallyAsync(async () => await Statuses.ReadAsync("good", CancellationToken.None) is { Status.Phase: ClusterPhase.Ready }, BringUp);
        var status = await Statuses.ReadAsync("good", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.True, $"phase {status?.Status.Phase}; errors: {string.Join(" | ", status?.Errors ?? [])}");
            Assert.That(_daemon!.Loop.ExecuteTask?.IsFaulted, Is.False, "the daemon loop is alive");
            Assert.That(status!.Errors, Is.Empty);
        });
    }

    [Test, Order(2)]
    public async Task Run_FilesNamingNoCluster_LocatedErrorsInTheFilesStatus()
    {
        var unattributed = await Statuses.ReadUnattributedAsync(CancellationToken.None);
        var errors = unattributed?.Errors ?? [];

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartWith(Path.Combine(_manifests, "deep.yaml") + ":1:").And.Contain("nesting deeper than 64 levels"));
            Assert.That(errors, Has.Some.StartWith(Path.Combine(_manifests, "bomb.yaml") + ":").And.Contain("counting each alias"));
            Assert.That(errors, Has.Some.StartWith(Path.Combine(_manifests, "zero.yaml") + ":1:1: not read: it resolves to /dev/zero"));
            Assert.That(errors, Has.Some.StartWith(Path.Combine(_manifests, "big.yaml") + ":1:1: not read:"));
        });
    }

    [Test, Order(3)]
    public async Task Run_InjectionAndForeignKey_TheirClustersFailWithLocatedErrorsAndNoHostIsTouched()
    {
        var evil = await Statuses.ReadAsync("evil", CancellationToken.None);
        var thief = await Statuses.ReadAsync("thief", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(evil?.Status.Phase, Is.EqualTo(ClusterPhase.Failed));
            Assert.That(evil?.Errors, Has.Some.Contains("spec.networking.podSubnet: \"fd00::%0a---\\nkind: ClusterRoleBinding/64\" is not a CIDR"));
            Assert.That(thief?.Status.Phase, Is.EqualTo(ClusterPhase.Failed));
            Assert.That(thief?.Errors, Has.Some.Contains("spec.ssh.privateKeyFile: private key \"../good/keys/id_ed25519\" resolves to").And.Some.Contains("outside the manifest's folder"));
            Assert.That(evil?.Status.Hosts ?? [], Is.Empty, "never probed");
            Assert.That(thief?.Status.Hosts ?? [], Is.Empty, "never probed");
        });
    }

    [Test, Order(4)]
    public async Task Run_HostileFileWrittenWhileRunning_RecordedAndTheGoodClusterStaysReady()
    {
        var late = Path.Combine(_manifests, "late.yaml");
        await File.WriteAllTextAsync(late, "a: " + new string('{', 100_000) + "\n");

        var recorded = await DaemonTestSupport.EventuallyAsync(
            async () => (await Statuses.ReadUnattributedAsync(CancellationToken.None))?.Errors.Any(e => e.StartsWith(late + ":", StringComparison.Ordinal)) == true, Bound);
        var before = (await Statuses.ReadAsync("good", CancellationToken.None))!.UpdatedAt;
        var resynced = await DaemonTestSupport.EventuallyAsync(
            async () => await Statuses.ReadAsync("good", CancellationToken.None) is { Status.Phase: ClusterPhase.Ready } d && d.UpdatedAt > before, Bound);

        Assert.Multiple(() =>
        {
            Assert.That(recorded, Is.True, "late.yaml's located error in status/_files.json");
            Assert.That(resynced, Is.True, "the good cluster is reconciled again (a resync) and still Ready");
            Assert.That(_daemon!.Loop.ExecuteTask?.IsFaulted, Is.False, "the daemon loop is alive");
        });
    }

    private string Manifest(string name, string podSubnet, string keyFile) => $$"""
        apiVersion: hakube.io/v1alpha1
        kind: HaCluster
        metadata: {name: {{name}}}
        spec:
          kubernetesVersion: v1.31.4
          controlPlaneEndpoint: {host: "{{Lab.Hosts[0].Address}}", port: 6443}
          loadBalancer: {provider: External}
          etcd: {topology: Stacked}
          networking: {podSubnet: {{podSubnet}}, cni: Calico}
          allowNonHighlyAvailable: true
          ssh: {privateKeyFile: {{keyFile}}, knownHostsFile: keys/known_hosts}
          hosts:
          - {name: {{Lab.Hosts[0].Name}}, address: "{{Lab.Hosts[0].Address}}", roles: [ControlPlane]}
          - {name: {{Lab.Hosts[1].Name}}, address: "{{Lab.Hosts[1].Address}}", roles: [Worker]}

        """;

    // Nine levels of ten references: a billion nodes if expanded.
    private static string AliasBomb()
    {
        var text = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level < 9; level++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10))}]\n");
        }

        return text.ToString();
    }
}
