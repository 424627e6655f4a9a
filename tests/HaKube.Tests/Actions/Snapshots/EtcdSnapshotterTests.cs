using System.Runtime.Versioning;
using HaKube.Actions.Snapshots;
using HaKube.Actions.State;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Actions.Snapshots;

[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class EtcdSnapshotterTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-snapshotter-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private EtcdSnapshotStore Store => EtcdSnapshotStore.For(new ClusterStateStore(_root, "demo"), _root, null, "demo");

    [Test]
    public async Task TakeAsync_HealthyHost_KeepsAPrivateVerifiedCopyNamedByTimeAndRemovesTheHostFolder()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 14, 5, 9, 600, TimeSpan.Zero));
        var host = new FakeSnapshotHost("cp1");

        var taken = await new EtcdSnapshotter(time).TakeAsync(host, "10.0.0.1", Store, null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(taken.Stored.Path, Is.EqualTo(Path.Combine(_root, "clusters", "demo", "snapshots", "demo-20261129T140509Z.db")));
            Assert.That(File.ReadAllBytes(taken.Stored.Path), Is.EqualTo(host.Content));
            Assert.That(File.GetUnixFileMode(taken.Stored.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(Store.Directory), Is.EqualTo(AtomicFile.PrivateDirectory));
            Assert.That(File.ReadAllText(taken.Stored.Path + ".sha256"), Is.EqualTo($"{taken.Sha256}  demo-20261129T140509Z.db\n"));
            Assert.That(taken.Status, Is.EqualTo(new EtcdSnapshotStatus(123, 42, 7, host.Content.Length)));
            Assert.That(host.FolderExists, Is.False, "the host's temporary folder is removed");
            Assert.That(Directory.GetFiles(Store.Directory), Has.Length.EqualTo(2), "no partial file is left");
        });
    }

    [Test]
    public async Task TakeAsync_ThreeInTheSameSecond_EachKeptUnderItsOwnNameInOrderWithItsOwnChecksum()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 14, 5, 9, TimeSpan.Zero));
        var first = await new EtcdSnapshotter(time).TakeAsync(new FakeSnapshotHost("cp1"), "10.0.0.1", Store, null, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(300));
        var second = await new EtcdSnapshotter(time).TakeAsync(new FakeSnapshotHost("cp2"), "10.0.0.2", Store, null, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(300));
        var third = await new EtcdSnapshotter(time).TakeAsync(new FakeSnapshotHost("cp3"), "10.0.0.3", Store, null, CancellationToken.None);

        var listed = Store.List();
        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, second, third }.Select(t => Path.GetFileName(t.Stored.Path)), Is.EqualTo(new[] { "demo-20261129T140509Z.db", "demo-20261129T140509Z-1.db", "demo-20261129T140509Z-2.db" }));
            Assert.That(listed.Select(s => s.Path), Is.EqualTo(new[] { first.Stored.Path, second.Stored.Path, third.Stored.Path }), "oldest first, by sequence within the second");
            Assert.That(Store.Newest()?.Path, Is.EqualTo(third.Stored.Path));
            foreach (var taken in new[] { first, second, third })
            {
                Assert.That(File.ReadAllText(taken.Stored.Path + ".sha256"), Is.EqualTo($"{taken.Sha256}  {Path.GetFileName(taken.Stored.Path)}\n"));
            }

            Assert.That(Directory.GetFiles(Store.Directory), Has.Length.EqualTo(6), "three snapshots with their checksums, no partial file");
        });

        // Retention keeps the newest two of that second: the first one goes.
        var pruned = Store.Prune(2);
        Assert.That(pruned.Select(s => s.Path), Is.EqualTo(new[] { first.Stored.Path }));
    }

    [Test]
    public void TakeAsync_CopyDiffersFromTheHost_KeepsNothingAndStillRemovesTheHostFolder()
    {
        var host = new FakeSnapshotHost("cp1");
        host.Served = host.Content.ToArray();
        host.Served[100] ^= 0xff;

        var failure = Assert.ThrowsAsync<EtcdSnapshotException>(() => new EtcdSnapshotter().TakeAsync(host, "10.0.0.1", Store, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("cp1").And.Contain("sha256"));
            Assert.That(Store.List(), Is.Empty);
            Assert.That(Directory.GetFiles(Store.Directory), Is.Empty, "the partial copy is deleted");
            Assert.That(host.FolderExists, Is.False);
        });
    }

    [Test]
    public void TakeAsync_SnapshotLargerThanTheBound_NothingCopied()
    {
        var host = new FakeSnapshotHost("cp1");

        var failure = Assert.ThrowsAsync<EtcdSnapshotException>(() => new EtcdSnapshotter { MaxBytes = 4095 }.TakeAsync(host, "10.0.0.1", Store, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("the snapshot is 4096 bytes, more than the 4095 allowed"));
            Assert.That(Directory.Exists(Store.Directory) ? Directory.GetFiles(Store.Directory) : [], Is.Empty);
            Assert.That(host.FolderExists, Is.False);
        });
    }

    [Test]
    public void TakeAsync_HostSendsMoreThanItSaidAndTheBound_StoppedAtTheBound()
    {
        var host = new FakeSnapshotHost("cp1");
        host.Served = [.. host.Content, .. new byte[100_000]];

        var failure = Assert.ThrowsAsync<EtcdSnapshotException>(() => new EtcdSnapshotter { MaxBytes = 8192 }.TakeAsync(host, "10.0.0.1", Store, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("grew past the 8192 bytes allowed"));
            Assert.That(Directory.GetFiles(Store.Directory), Is.Empty, "the partial copy is deleted");
        });
    }

    [Test]
    public void TakeAsync_TruncatedCopy_FailsOnTheSize()
    {
        var host = new FakeSnapshotHost("cp1");
        host.Served = host.Content[..1000];

        var failure = Assert.ThrowsAsync<EtcdSnapshotException>(() => new EtcdSnapshotter().TakeAsync(host, "10.0.0.1", Store, null, CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain($"copied 1000 bytes of a {host.Content.Length}-byte snapshot"));
    }

    [Test]
    public void TakeAsync_SaveFails_ReportsEtcdctlsWordsAndKeepsNothing()
    {
        var host = new FakeSnapshotHost("cp1") { SaveError = "Error: context deadline exceeded" };

        var failure = Assert.ThrowsAsync<EtcdSnapshotException>(() => new EtcdSnapshotter().TakeAsync(host, "10.0.0.1", Store, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("cp1").And.Contain("exit 1").And.Contain("context deadline exceeded"));
            Assert.That(Store.List(), Is.Empty);
        });
    }

    [Test]
    public void Save_Script_UsesTheMembersEndpointAPrivateFolderAndCleansUpOnFailure()
    {
        var script = EtcdSnapshotScript.Save("10.0.0.7", TimeSpan.FromMinutes(5));

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("--endpoints=https://10.0.0.7:2379 "));
            Assert.That(script, Does.Contain("--command-timeout=300s"));
            Assert.That(script, Does.Contain("umask 077").And.Contain("mktemp -d /var/tmp/hakube-etcd-snapshot.XXXXXX"));
            Assert.That(script, Does.Contain("trap 'rm -rf -- \"$d\"' EXIT"));
            Assert.That(script, Does.Contain("snapshot status \"$f\" -w json"));
        });
    }

    [TestCase("/")]
    [TestCase("/var/tmp")]
    [TestCase("/var/tmp/hakube-etcd-snapshot.Ab12Cd/..")]
    [TestCase("/var/lib/etcd")]
    [TestCase("/var/tmp/hakube-etcd-snapshot.ab; rm -rf /")]
    public void Remove_AnyOtherFolder_IsRefused(string folder) =>
        Assert.Throws<ArgumentException>(() => EtcdSnapshotScript.Remove(folder));

    [TestCase("dir=/var/tmp/hakube-etcd-snapshot.Ab12Cd\nsize=10\nsha256=abc\nstatus={}\n", "sha256")]
    [TestCase("dir=/tmp/x\nsize=10\n", "private folder")]
    [TestCase("dir=/var/tmp/hakube-etcd-snapshot.Ab12Cd\nsize=ten\n", "size")]
    public void Parse_IncompleteOutput_SaysWhatIsMissing(string output, string missing)
    {
        Assert.That(SavedSnapshot.Parse(output, out var problem), Is.Null);
        Assert.That(problem, Does.Contain(missing));
    }
}
