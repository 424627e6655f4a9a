using System.Runtime.Versioning;
using HaKube.Actions.Pki;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;

namespace HaKube.Tests.Actions.State;

[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class ReadOnlyStateBackendTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-state-ro-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private Dictionary<string, byte[]> Snapshot() =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes, StringComparer.Ordinal);

    [Test]
    public async Task GetOrCreateAuthorities_EmptyStore_GeneratedInMemoryOnlyAndStableWithinTheStore()
    {
        var store = new ClusterStateStore(_root, "demo").ReadOnly();

        var first = await store.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);
        var second = await store.GetOrCreateAuthoritiesAsync(() => throw new AssertionException("generated twice"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.ClusterCa.CertificatePem, Is.EqualTo(first.ClusterCa.CertificatePem));
            Assert.That(Directory.Exists(Path.Combine(_root, "demo")), Is.False, "nothing written, not even the folder");
        });
    }

    [Test]
    public async Task ReadOnly_ExistingStore_ReadsItsItemsAndLeavesEveryFileByteIdentical()
    {
        var writable = new ClusterStateStore(_root, "demo");
        var spec = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec;
        var issuer = new ClusterPkiIssuer(TestPki.Factory());
        var authorities = await writable.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);
        var issued = await writable.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None);
        var before = Snapshot();

        var store = writable.ReadOnly();
        var read = await store.LoadAuthoritiesAsync(CancellationToken.None);
        // Renewal due for everything: a writable store would reissue and write every certificate.
        var reissued = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None, renewBefore: issued.ApiServerEtcdClient.NotAfter.AddDays(1));
        await store.UpdateInventoryAsync(_ => [], CancellationToken.None);

        var after = Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(read!.ClusterCa.CertificatePem, Is.EqualTo(authorities.ClusterCa.CertificatePem));
            Assert.That(reissued.ApiServerEtcdClient.CertificatePem, Is.Not.EqualTo(issued.ApiServerEtcdClient.CertificatePem), "reissued, in memory");
            Assert.That(after.Keys, Is.EquivalentTo(before.Keys));
            Assert.That(after.All(f => f.Value.SequenceEqual(before[f.Key])), Is.True, "every file byte-identical");
        });
    }

    [Test]
    public async Task CreateOnce_ItemExistsInTheRealBackend_False()
    {
        var inner = new FileStateBackend(Path.Combine(_root, "demo"));
        await inner.WriteAsync("item.json", "{}", CancellationToken.None);
        var backend = new ReadOnlyStateBackend(inner);

        Assert.Multiple(async () =>
        {
            Assert.That(await backend.CreateOnceAsync("item.json", "[]", CancellationToken.None), Is.False);
            Assert.That(await backend.CreateOnceAsync("other.json", "[]", CancellationToken.None), Is.True);
            Assert.That(await backend.CreateOnceAsync("other.json", "[1]", CancellationToken.None), Is.False);
            Assert.That(await backend.ReadAsync("other.json", CancellationToken.None), Is.EqualTo("[]"));
            Assert.That(File.Exists(Path.Combine(_root, "demo", "other.json")), Is.False);
        });
    }
}
