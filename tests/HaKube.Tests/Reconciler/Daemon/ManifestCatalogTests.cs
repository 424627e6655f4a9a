using HaKube.Reconciler.Daemon;

namespace HaKube.Tests.Reconciler.Daemon;

/// <summary>No file stops the catalog: hostile files become located errors of their clusters, or of the file alone.</summary>
public sealed class ManifestCatalogTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = DaemonTestSupport.NewManifestFolder();

    [TearDown]
    public void DeleteFolder() => DaemonTestSupport.DeleteQuietly(_folder);

    [Test]
    public async Task RefreshAsync_HostileFilesBesideAGoodOne_GoodUpsertedAndTheOthersUnattributedAndLocated()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "alpha.yaml"), DaemonTestSupport.Manifest("alpha"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "deep.yaml"), "spec: " + new string('[', 60_000) + "\n");
        File.CreateSymbolicLink(Path.Combine(_folder, "zero.yaml"), "/dev/zero");
        var catalog = new ManifestCatalog(_folder);

        var events = await catalog.RefreshAsync(null, 0, CancellationToken.None);

        var unattributed = events.Single(e => e.Kind == ManifestEventKind.Unattributed);
        Assert.Multiple(() =>
        {
            Assert.That(events.Single(e => e.Kind == ManifestEventKind.Upserted).Cluster, Is.EqualTo("alpha"));
            Assert.That(unattributed.Errors.Select(e => (Path.GetFileName(e.File), e.Line, e.Column)), Is.EqualTo(new[] { ("deep.yaml", 1, 70), ("zero.yaml", 1, 1) }));
        });
        Assert.That(await catalog.RefreshAsync(null, 0, CancellationToken.None), Is.Empty, "nothing changed, nothing reported again");
    }

    [Test]
    public async Task RefreshAsync_ManifestReplacedByAnAliasBomb_ItsClusterBecomesInvalidNotDeleted()
    {
        var file = Path.Combine(_folder, "alpha.yaml");
        await File.WriteAllTextAsync(file, DaemonTestSupport.Manifest("alpha"));
        var catalog = new ManifestCatalog(_folder);
        await catalog.RefreshAsync(null, 0, CancellationToken.None);
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 8).Select(l => $"a{l}: &a{l} [{string.Join(", ", Enumerable.Repeat($"*a{l - 1}", 10))}]\n"));
        await File.WriteAllTextAsync(file, bomb);

        var events = await catalog.RefreshAsync(new HashSet<string> { file }, 0, CancellationToken.None);

        var invalid = events.Single();
        Assert.Multiple(() =>
        {
            Assert.That(invalid.Kind, Is.EqualTo(ManifestEventKind.Invalid));
            Assert.That(invalid.Cluster, Is.EqualTo("alpha"));
            Assert.That(invalid.Errors.Single().Message, Does.Contain("counting each alias"));
        });
    }

    [Test]
    public async Task RefreshAsync_ForeignKeyPath_ItsClusterInvalidWithTheLocatedPathError()
    {
        var outside = Directory.CreateTempSubdirectory("hakube-foreign-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outside, "id_ed25519"), "someone else's key");
            await File.WriteAllTextAsync(Path.Combine(_folder, "alpha.yaml"), DaemonTestSupport.Manifest("alpha", keys: Path.GetRelativePath(_folder, outside)).Replace($"{Path.GetRelativePath(_folder, outside)}/known_hosts", "keys/known_hosts", StringComparison.Ordinal));
            var events = await new ManifestCatalog(_folder).RefreshAsync(null, 0, CancellationToken.None);
            var allowed = await new ManifestCatalog(_folder, [outside]).RefreshAsync(null, 0, CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(events.Single().Kind, Is.EqualTo(ManifestEventKind.Invalid));
                Assert.That(events.Single().Errors.Single().ToString(), Does.Contain("spec.ssh.privateKeyFile: private key").And.Contain("outside the manifest's folder"));
                Assert.That(allowed.Single().Kind, Is.EqualTo(ManifestEventKind.Upserted), "--allow-paths-outside widens it");
            });
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }
}
