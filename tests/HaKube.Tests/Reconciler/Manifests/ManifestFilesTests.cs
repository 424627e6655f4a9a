using System.Diagnostics;
using HaKube.Reconciler.Manifests;
using HaKube.Tests.Support;

namespace HaKube.Tests.Reconciler.Manifests;

/// <summary>What a manifest directory can hold without being read: devices, FIFOs, huge files, links out of it.</summary>
public sealed class ManifestFilesTests
{
    private string _root = "";
    private string _outside = "";

    [SetUp]
    public void CreateFolders()
    {
        _root = Directory.CreateTempSubdirectory("hakube-manifests-").FullName;
        _outside = Directory.CreateTempSubdirectory("hakube-outside-").FullName;
    }

    [TearDown]
    public void DeleteFolders()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Test]
    public async Task LoadAsync_SymlinkToDevZero_RefusedUnreadWithALocatedError()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "zero.yaml"), "/dev/zero");

        var watch = Stopwatch.StartNew();
        var result = await ManifestFiles.LoadAsync([_root], CancellationToken.None);

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(result.Errors.Single().ToString(), Does.StartWith($"{Path.Combine(_root, "zero.yaml")}:1:1: not read: it resolves to /dev/zero, outside the manifest directory"));
    }

    [Test]
    public async Task LoadAsync_DevZeroNamedOnTheCommandLine_RefusedAsNotARegularFile()
    {
        var result = await ManifestFiles.LoadAsync(["/dev/zero"], CancellationToken.None);

        Assert.That(result.Errors.Single().ToString(), Is.EqualTo("/dev/zero:1:1: not read: it resolves to /dev/zero, which is not a regular file"));
    }

    [Test]
    public async Task LoadAsync_FifoInTheDirectory_RefusedWithoutBlocking()
    {
        var fifo = Path.Combine(_root, "pipe.yaml");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.That(mkfifo.ExitCode, Is.Zero, "mkfifo");
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await ManifestFiles.LoadAsync([_root], limit.Token);

        Assert.That(result.Errors.Single().Message, Does.Contain("which is not a regular file"));
    }

    [Test]
    public async Task LoadAsync_FileLargerThanOneMebibyte_RefusedUnread()
    {
        var big = Path.Combine(_root, "big.yaml");
        await File.WriteAllTextAsync(big, "# " + new string('x', (int)ManifestFiles.MaxBytes) + "\n");

        var result = await ManifestFiles.LoadAsync([_root], CancellationToken.None);

        Assert.That(result.Errors.Single().ToString(), Is.EqualTo($"{big}:1:1: not read: {ManifestFiles.MaxBytes + 3} bytes; a manifest may be at most {ManifestFiles.MaxBytes} bytes"));
    }

    [Test]
    public async Task LoadAsync_SymlinkToAManifestOutside_RefusedAndSymlinkInside_Read()
    {
        var text = await File.ReadAllTextAsync(RepositoryPaths.Of("examples", "stacked.yaml"));
        await File.WriteAllTextAsync(Path.Combine(_outside, "stolen.yaml"), text);
        File.CreateSymbolicLink(Path.Combine(_root, "out.yaml"), Path.Combine(_outside, "stolen.yaml"));
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        await File.WriteAllTextAsync(Path.Combine(_root, "real", "stacked.yml.txt"), text);
        File.CreateSymbolicLink(Path.Combine(_root, "in.yaml"), Path.Combine(_root, "real", "stacked.yml.txt"));

        var result = await ManifestFiles.LoadAsync([_root], CancellationToken.None);

        Assert.That(result.Errors.Select(e => e.File), Has.Member(Path.Combine(_root, "out.yaml")));
        Assert.That(result.Errors.Single(e => e.File.EndsWith("out.yaml", StringComparison.Ordinal)).Message, Does.Contain("outside the manifest directory"));
        Assert.That(result.Errors.Where(e => e.File.EndsWith("in.yaml", StringComparison.Ordinal)).Select(e => e.Message), Has.None.Contain("not read"));
    }

    [Test]
    public void Expand_SymlinkedFolder_NotEntered()
    {
        File.WriteAllText(Path.Combine(_outside, "elsewhere.yaml"), "a: b\n");
        Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), _outside);
        Directory.CreateSymbolicLink(Path.Combine(_root, "loop"), _root);

        var files = ManifestFiles.Expand([_root], []);

        Assert.That(files, Is.Empty);
    }

    [Test]
    public async Task LoadAsync_NotUtf8_LocatedError()
    {
        var file = Path.Combine(_root, "latin1.yaml");
        await File.WriteAllBytesAsync(file, [0x61, 0x3a, 0x20, 0xe9, 0x0a]);

        var result = await ManifestFiles.LoadAsync([_root], CancellationToken.None);

        Assert.That(result.Errors.Single().ToString(), Is.EqualTo($"{file}:1:1: not UTF-8 text (invalid byte at offset 3); expected a UTF-8 YAML file"));
    }
}
