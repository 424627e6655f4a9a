using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Inventory;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Ssh;
using HaKube.Tests.Support;

namespace HaKube.Tests.Reconciler.Execution;

/// <summary>A departing host is reached with the keys it was trusted with, less any that known_hosts now marks @revoked; a pinned spec host likewise.</summary>
public sealed class ClusterSessionRevocationTests
{
    private const string KeyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBgIc7Iv/jz2+IG6nSiY5kba3jziCAsqZBn23xqJylAa";
    private const string KeyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHWVf5MkvMdrfmVG6g8fEul4c08x9+IJIAn5P17GapaR";
    private string _root = "";
    private SshPrivateKey? _key;

    [SetUp]
    public async Task CreateStoreAndKey()
    {
        _root = Directory.CreateTempSubdirectory("hakube-revoked-").FullName;
        _key = await TestSshKeys.NewClientKeyAsync();
    }

    [TearDown]
    public void Delete()
    {
        _key?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task ScopeAsync_DepartingHostWhoseRememberedKeyIsRevoked_RefusesThatKey()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var store = new ClusterStateStore(_root, cluster.Metadata.Name);
        await store.UpdateInventoryAsync(_ => [new ManagedHost("w9", "10.0.0.99", [HostRole.Worker], 22, [KeyA, KeyB])], CancellationToken.None);
        var known = KnownHosts.Parse($"@revoked 10.0.0.99 {KeyA}\n");
        await using var pool = new SshConnectionPool();
        var session = new ClusterSession(cluster, SshTargets.FromSpec(cluster.Spec, _key!, known), pool, store, knownHosts: known);

        var targets = (await session.ScopeAsync(CancellationToken.None)).Targets;

        var departing = targets.Single(t => t.Name == "w9").Endpoint.HostKeys;
        Assert.Multiple(() =>
        {
            Assert.That(departing.Check(HostKeyPolicyTests.Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Revoked));
            Assert.That(departing.Check(HostKeyPolicyTests.Key(KeyB).Blob), Is.EqualTo(HostKeyVerdict.Trusted));
        });
    }

    [Test]
    public void FromSpec_PinnedHostKeyRevokedInKnownHosts_Revoked()
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");
        var pinned = cluster.Spec with { Hosts = [cluster.Spec.Hosts[0] with { HostKey = KeyA }, .. cluster.Spec.Hosts.Skip(1)] };
        var known = KnownHosts.Parse($"@revoked {pinned.Hosts[0].Name} {KeyA}\n");

        var target = SshTargets.FromSpec(pinned, _key!, known)[0];

        Assert.That(target.Endpoint.HostKeys.Check(HostKeyPolicyTests.Key(KeyA).Blob), Is.EqualTo(HostKeyVerdict.Revoked));
    }
}
