using HaKube.Actions.State;

namespace HaKube.Tests.Actions.State;

[TestFixture]
public sealed class EtcdSnapshotStoreTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-snapshots-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public void List_MixedFiles_OnlyThisClustersSnapshotsOldestFirst()
    {
        var store = EtcdSnapshotStore.For(new ClusterStateStore(_root, "demo"), _root, null, "demo");
        Directory.CreateDirectory(store.Directory);
        foreach (var name in new[] { "demo-20261129T120000Z.db", "demo-20250101T000000Z.db", "other-20261129T120000Z.db", "demo-latest.db", ".partial-1.db", "demo-20261129T120000Z.db.sha256" })
        {
            File.WriteAllText(Path.Combine(store.Directory, name), "x");
        }

        var listed = store.List();

        Assert.That(listed.Select(s => Path.GetFileName(s.Path)), Is.EqualTo(new[] { "demo-20250101T000000Z.db", "demo-20261129T120000Z.db" }));
        Assert.That(listed[1].TakenAt, Is.EqualTo(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Prune_FourSnapshotsKeepTwo_DeletesTheTwoOldestWithTheirChecksums()
    {
        var store = EtcdSnapshotStore.For(new ClusterStateStore(_root, "demo"), _root, null, "demo");
        Directory.CreateDirectory(store.Directory);
        var times = Enumerable.Range(1, 4).Select(d => new DateTimeOffset(2026, 11, d, 0, 0, 0, TimeSpan.Zero)).ToList();
        foreach (var time in times)
        {
            File.WriteAllText(store.PathFor(time), "db");
            File.WriteAllText(store.PathFor(time) + ".sha256", "sum");
        }

        var pruned = store.Prune(2);

        Assert.Multiple(() =>
        {
            Assert.That(pruned.Select(s => s.TakenAt), Is.EqualTo(times.Take(2)));
            Assert.That(store.List().Select(s => s.TakenAt), Is.EqualTo(times.Skip(2)));
            Assert.That(Directory.GetFiles(store.Directory), Has.Length.EqualTo(4), "the kept snapshots and their .sha256 files");
        });
    }

    [Test]
    public void List_SnapshotsWithinOneSecond_OrderedBySequenceAfterOlderSeconds()
    {
        var store = EtcdSnapshotStore.For(new ClusterStateStore(_root, "demo"), _root, null, "demo");
        Directory.CreateDirectory(store.Directory);
        // Written out of order on purpose: the listing orders by time, then by the sequence number (10 after 2, not before).
        foreach (var name in new[] { "demo-20261129T120000Z-10.db", "demo-20261129T120000Z.db", "demo-20261129T120000Z-2.db", "demo-20261129T115959Z.db", "demo-20261129T120000Z-0.db", "demo-20261129T120000Z-x.db" })
        {
            File.WriteAllText(Path.Combine(store.Directory, name), "x");
        }

        var listed = store.List();

        Assert.Multiple(() =>
        {
            Assert.That(listed.Select(s => Path.GetFileName(s.Path)), Is.EqualTo(new[] { "demo-20261129T115959Z.db", "demo-20261129T120000Z.db", "demo-20261129T120000Z-2.db", "demo-20261129T120000Z-10.db" }));
            Assert.That(SnapshotRetention.Expired(listed.Reverse().ToList(), 2).Select(s => Path.GetFileName(s.Path)), Is.EqualTo(new[] { "demo-20261129T115959Z.db", "demo-20261129T120000Z.db" }));
        });
    }

    [Test]
    public void For_FileStore_TheClusterFoldersSnapshots() =>
        Assert.That(EtcdSnapshotStore.For(new ClusterStateStore(_root, "demo"), "/elsewhere", "ns", "demo").Directory, Is.EqualTo(Path.Combine(_root, "clusters", "demo", "snapshots")));

    [Test]
    public void For_StateInSecrets_FilesUnderTheStateRootByNamespace() =>
        Assert.That(EtcdSnapshotStore.For(new ClusterStateStore(new SecretsLike()), _root, "team-a", "demo").Directory, Is.EqualTo(Path.Combine(_root, "namespaces", "team-a", "demo", "snapshots")));

    [Test]
    public void Expired_FewerThanKeep_NothingExpires() =>
        Assert.That(SnapshotRetention.Expired([new StoredSnapshot("/a", DateTimeOffset.UnixEpoch, 1)], 7), Is.Empty);

    /// <summary>A store that is not a folder, as custom-resource mode's Secrets are.</summary>
    private sealed class SecretsLike : IStateBackend
    {
        public string Location => "Secrets team-a/hakube-demo-*";

        public Task<string?> ReadAsync(string name, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

        public Task WriteAsync(string name, string content, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
