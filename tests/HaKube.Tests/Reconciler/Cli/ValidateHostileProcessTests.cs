using System.Diagnostics;
using System.Globalization;
using HaKube.Tests.Support;

namespace HaKube.Tests.Reconciler.Cli;

/// <summary>
/// `hakube validate` as its own process on every hostile manifest: exit 1 with a located error,
/// quickly and in little memory, never killed by a signal (a stack overflow or an out-of-memory
/// would end it with SIGABRT or SIGKILL). Measured with GNU time, which scripts/install-test-deps.sh installs.
/// </summary>
[NonParallelizable]
public sealed class ValidateHostileProcessTests
{
    private const long MaxResidentKilobytes = 200 * 1024;
    private static readonly TimeSpan MaxWall = TimeSpan.FromSeconds(5);
    private static readonly string Corpus = RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "invalid");
    private string _folder = "";

    public static IEnumerable<string> HostileCorpus() =>
        Directory.EnumerateFiles(Corpus, "hostile-*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [OneTimeSetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("hakube-hostile-").FullName;

    [OneTimeTearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCaseSource(nameof(HostileCorpus))]
    public async Task Validate_HostileCorpusManifest_ExitsOneQuicklyInLittleMemory(string name)
    {
        var (exit, kilobytes, wall, stderr) = await ValidateAsync(Path.Combine(Corpus, name));

        AssertRefused(exit, kilobytes, wall, stderr, name);
    }

    [Test]
    public async Task Validate_SixtyFourMegabyteComment_RefusedUnread()
    {
        var file = Path.Combine(_folder, "comment.yaml");
        await using (var stream = File.Create(file))
        {
            await stream.WriteAsync("# "u8.ToArray());
            var block = new byte[1024 * 1024];
            Array.Fill(block, (byte)'x');
            for (var i = 0; i < 64; i++)
            {
                await stream.WriteAsync(block);
            }
        }

        var (exit, kilobytes, wall, stderr) = await ValidateAsync(file);

        AssertRefused(exit, kilobytes, wall, stderr, "64 MB comment");
        Assert.That(stderr, Does.Contain("a manifest may be at most 1048576 bytes"));
    }

    [Test]
    public async Task Validate_DirectoryWithADevZeroSymlinkAndAFifo_RefusesBothAndEnds()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "devices")).FullName;
        File.CreateSymbolicLink(Path.Combine(folder, "zero.yaml"), "/dev/zero");
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(folder, "pipe.yaml")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var (exit, kilobytes, wall, stderr) = await ValidateAsync(folder);

        AssertRefused(exit, kilobytes, wall, stderr, "devices");
        Assert.That(stderr, Does.Contain("zero.yaml:1:1: not read").And.Contain("pipe.yaml:1:1: not read"));
    }

    private static void AssertRefused(int exit, long kilobytes, TimeSpan wall, string stderr, string what)
    {
        TestContext.Out.WriteLine($"{what}: exit {exit}, {kilobytes / 1024} MB peak, {wall.TotalSeconds:0.00} s");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), $"{what}: exit status (a signal shows as more than 128)\n{stderr}");
            Assert.That(kilobytes, Is.LessThan(MaxResidentKilobytes), $"{what}: peak resident memory in KiB");
            Assert.That(wall, Is.LessThan(MaxWall), $"{what}: wall time");
            Assert.That(stderr, Does.Match(@"(?m)^.+:\d+:\d+: .+$"), $"{what}: a located error");
        });
    }

    private async Task<(int Exit, long Kilobytes, TimeSpan Wall, string Stderr)> ValidateAsync(string path)
    {
        Assert.That(File.Exists("/usr/bin/time"), Is.True, "GNU time is needed to measure peak memory (apt-get install time)");
        var measured = Path.Combine(_folder, $"time-{Guid.NewGuid():N}.txt");
        var start = new ProcessStartInfo("/usr/bin/time", ["-f", "%x %M %e", "-o", measured, "dotnet", Path.Combine(AppContext.BaseDirectory, "hakube.dll"), "validate", path])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        await stdout;
        var fields = (await File.ReadAllLinesAsync(measured)).Last().Split(' ');
        return (int.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(double.Parse(fields[2], CultureInfo.InvariantCulture)), await stderr);
    }
}
