using HaKube.Actions.State;

namespace HaKube.Tests.Actions.State;

/// <summary>STATE/clusters/NAME: a state directory of the old layout (STATE/NAME) is moved into place on first use, atomically and idempotently.</summary>
public sealed class StateLayoutTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-layout-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task ClusterStateStore_OldLayout_MovedUnderClustersWithEveryItemAndStatusesLeft()
    {
        Write("demo/authorities.json", "{\"ca\":1}");
        Write("demo/inventory.json", "[]");
        Write("demo/snapshots/demo-20261129T140509Z.db", "db");
        Write("status/demo.json", "{}");

        var store = new ClusterStateStore(_root, "demo");

        Assert.Multiple(() =>
        {
            Assert.That(store.Directory, Is.EqualTo(Path.Combine(_root, "clusters", "demo")));
            Assert.That(Read("clusters/demo/authorities.json"), Is.EqualTo("{\"ca\":1}"));
            Assert.That(Read("clusters/demo/snapshots/demo-20261129T140509Z.db"), Is.EqualTo("db"));
            Assert.That(Directory.Exists(Path.Combine(_root, "demo")), Is.False);
            Assert.That(Read("status/demo.json"), Is.EqualTo("{}"));
        });
        Assert.That(await store.LoadInventoryAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public void Migrate_ClusterCalledStatus_ItsStateLeavesTheStatusFolder()
    {
        Write("status/status.json", "{}");
        Write("status/other.json", "{}");
        Write("status/authorities.json", "{\"ca\":2}");
        Write("status/etcd-members/etcd1.json", "{}");

        StateLayout.Migrate(_root);

        Assert.Multiple(() =>
        {
            Assert.That(Read("clusters/status/authorities.json"), Is.EqualTo("{\"ca\":2}"));
            Assert.That(Read("clusters/status/etcd-members/etcd1.json"), Is.EqualTo("{}"));
            Assert.That(Directory.GetFiles(Path.Combine(_root, "status")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "status.json", "other.json" }));
        });
    }

    [Test]
    public void Migrate_ClusterCalledClusters_MovedInsideTheNewFolder()
    {
        Write("clusters/authorities.json", "{\"ca\":3}");
        Write("demo/inventory.json", "[]");

        StateLayout.Migrate(_root);

        Assert.Multiple(() =>
        {
            Assert.That(Read("clusters/clusters/authorities.json"), Is.EqualTo("{\"ca\":3}"));
            Assert.That(Read("clusters/demo/inventory.json"), Is.EqualTo("[]"));
            Assert.That(Directory.GetDirectories(_root).Select(Path.GetFileName), Is.EquivalentTo(new[] { "clusters" }));
        });
    }

    [Test]
    public void Migrate_CustomResourceSnapshots_MovedUnderNamespaces()
    {
        Write("team-a/demo/snapshots/demo-20261129T140509Z.db", "db");

        StateLayout.Migrate(_root);

        Assert.That(Read("namespaces/team-a/demo/snapshots/demo-20261129T140509Z.db"), Is.EqualTo("db"));
    }

    [Test]
    public void Migrate_TwiceAndAfterAnInterruptedMove_SameResult()
    {
        Write("clusters/authorities.json", "{\"ca\":4}");
        StateLayout.Migrate(_root);
        var once = Snapshot();

        StateLayout.Migrate(_root);
        Assert.That(Snapshot(), Is.EqualTo(once));

        // Interrupted after parking a cluster called "clusters": the rerun finishes it.
        Directory.Move(Path.Combine(_root, "clusters", "clusters"), Path.Combine(_root, ".migrating-clusters"));
        Directory.Delete(Path.Combine(_root, "clusters"));
        StateLayout.Migrate(_root);
        Assert.That(Snapshot(), Is.EqualTo(once));
    }

    [Test]
    public void Migrate_NewLayoutAlreadyThere_OldFolderLeftAlone()
    {
        Write("clusters/demo/authorities.json", "{\"new\":1}");
        Write("demo/authorities.json", "{\"old\":1}");

        StateLayout.Migrate(_root);

        Assert.Multiple(() =>
        {
            Assert.That(Read("clusters/demo/authorities.json"), Is.EqualTo("{\"new\":1}"), "never overwritten");
            Assert.That(Read("demo/authorities.json"), Is.EqualTo("{\"old\":1}"));
        });
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private string Read(string relative) => File.ReadAllText(Path.Combine(_root, relative));

    private List<string> Snapshot() =>
        Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_root, p)).Order(StringComparer.Ordinal).ToList();
}
