using System.Diagnostics;
using HaKube.Reconciler.Daemon;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
[NonParallelizable]
public sealed class DirectorySourceTests
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private string _folder = "";
    private DirectorySource? _source;
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;

    [SetUp]
    public async Task Start()
    {
        _folder = DaemonTestSupport.NewManifestFolder();
        await File.WriteAllTextAsync(Path.Combine(_folder, "alpha.yaml"), DaemonTestSupport.Manifest("alpha"));
        _source = new DirectorySource(_folder, TimeProvider.System, NullLogger.Instance) { Debounce = Debounce };
        _stop = new CancellationTokenSource();
        _running = _source.RunAsync(_stop.Token);
        await _source.Scanned.WaitAsync(Bound);
    }

    [TearDown]
    public async Task Stop()
    {
        await _stop!.CancelAsync();
        await _running.WaitAsync(Bound);
        _stop.Dispose();
        _source!.Dispose();
        DaemonTestSupport.DeleteQuietly(_folder);
    }

    [Test]
    public async Task RunAsync_FirstScan_UpsertsEveryCluster()
    {
        var change = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(change.Kind, Is.EqualTo(ManifestEventKind.Upserted));
            Assert.That(change.Cluster, Is.EqualTo("alpha"));
            Assert.That(change.SpecHash, Has.Length.EqualTo(64));
        });
    }

    [Test]
    public async Task RunAsync_FileWritten_EventSoonAfterTheDebounce()
    {
        // A manifest's key files lie in its own folder tree, so the nested cluster has keys of its own.
        var nestedKeys = Directory.CreateDirectory(Path.Combine(_folder, "nested", "keys")).FullName;
        foreach (var key in new[] { "id_ed25519", "known_hosts" })
        {
            File.Copy(Path.Combine(_folder, "keys", key), Path.Combine(nestedKeys, key));
        }

        await NextAsync();
        var written = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(_folder, "nested", "beta.yaml"), DaemonTestSupport.Manifest("beta"));

        var change = await NextAsync();
        var elapsed = written.Elapsed;
        TestContext.Out.WriteLine($"file written -> event in {elapsed.TotalMilliseconds:0} ms (debounce {Debounce.TotalMilliseconds} ms)");

        Assert.Multiple(() =>
        {
            Assert.That(change.Kind, Is.EqualTo(ManifestEventKind.Upserted));
            Assert.That(change.Cluster, Is.EqualTo("beta"));
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(Debounce - TimeSpan.FromMilliseconds(20)).And.LessThan(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public async Task RunAsync_FileMadeInvalid_InvalidEventWithLocatedErrors()
    {
        await NextAsync();
        await File.WriteAllTextAsync(Path.Combine(_folder, "alpha.yaml"), DaemonTestSupport.Manifest("alpha").Replace("v1.31.4", "v1.29.9", StringComparison.Ordinal));

        var change = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(change.Kind, Is.EqualTo(ManifestEventKind.Invalid));
            Assert.That(change.Cluster, Is.EqualTo("alpha"));
            Assert.That(change.Errors.Select(e => e.ToString()), Has.Some.Match(@"alpha\.yaml:\d+:\d+: spec\.kubernetesVersion: v1\.29\.9 is older"));
        });
    }

    [Test]
    public async Task RunAsync_FileMadeUnreadableYaml_ClusterInvalidNotDeleted()
    {
        await NextAsync();
        await File.WriteAllTextAsync(Path.Combine(_folder, "alpha.yaml"), "metadata: [unclosed\n");

        var change = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(change.Kind, Is.EqualTo(ManifestEventKind.Invalid));
            Assert.That(change.Cluster, Is.EqualTo("alpha"));
        });
    }

    [Test]
    public async Task RunAsync_FileDeleted_DeletedEvent()
    {
        await NextAsync();
        File.Delete(Path.Combine(_folder, "alpha.yaml"));

        var change = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(change.Kind, Is.EqualTo(ManifestEventKind.Deleted));
            Assert.That(change.Cluster, Is.EqualTo("alpha"));
        });
    }

    [Test]
    public async Task RunAsync_SameClusterRewrittenWithOtherFormatting_NoEvent()
    {
        await NextAsync();
        await File.WriteAllTextAsync(Path.Combine(_folder, "alpha.yaml"), "# a comment changes no field\n" + DaemonTestSupport.Manifest("alpha"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "gamma.yaml"), DaemonTestSupport.Manifest("gamma"));

        var change = await NextAsync();

        Assert.That(change.Cluster, Is.EqualTo("gamma"), "alpha's bound spec did not change, so only gamma is reported");
    }

    [Test]
    public async Task RunAsync_SecondFileDeclaresSameName_ClusterInvalid()
    {
        await NextAsync();
        await File.WriteAllTextAsync(Path.Combine(_folder, "copy.yaml"), DaemonTestSupport.Manifest("alpha"));

        var change = await NextAsync();

        Assert.Multiple(() =>
        {
            Assert.That(change.Kind, Is.EqualTo(ManifestEventKind.Invalid));
            Assert.That(change.Errors.Single().Message, Does.Contain("already declared"));
        });
    }

    private async Task<ManifestEvent> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        return await _source!.Events.ReadAsync(timeout.Token);
    }
}

internal static class PathExtensions
{
    /// <summary>Runs <paramref name="action"/> on the value and returns it, for a folder made inline.</summary>
    public static string Also(this string path, Action<string> action)
    {
        action(path);
        return path;
    }
}
