using System.Diagnostics;
using HaKube.Actions.Probe;
using HaKube.Model.Facts;

namespace HaKube.Tests.Actions.Probe;

public sealed class ProbeScriptTests
{
    [TestCase("127.0.0.1", "0100007F")]
    [TestCase("127.0.10.3", "030A007F")]
    [TestCase("10.0.0.7", "0700000A")]
    [TestCase("::1", "00000000000000000000000001000000")]
    [TestCase("api.example.org", "'*'")]
    public void AddressPattern_Address_MatchesProcNetTcpEncoding(string address, string expected)
    {
        Assert.That(ProbeScript.AddressPattern(address), Is.EqualTo(expected));
    }

    [Test]
    public void Render_KnownBinaryIdentity_IsQuotedIntoTheScript()
    {
        var inputs = new ProbeInputs("10.0.0.7") { KnownBinaries = new Dictionary<string, KnownBinary> { ["kubelet"] = new("1:2:3", "v1.31.4"), ["evil;id"] = new("x", null) } };

        var script = ProbeScript.Render(inputs);

        Assert.That(script, Does.Contain("HK_KNOWN_kubelet=1:2:3\n"));
        Assert.That(script, Does.Not.Contain("evil"));
    }

    [Test]
    public async Task Render_RunByShOnThisMachine_ParsesIntoFacts()
    {
        // This machine is a Linux host too: the script must run under dash and parse, whatever is installed.
        var script = ProbeScript.Render(new ProbeInputs("127.0.0.1"));

        var (exit, stdout, stderr) = await RunAsync(script);
        var facts = ProbeParser.Parse("local", stdout, new ProbeInputs("127.0.0.1"), DateTimeOffset.UnixEpoch).Facts;

        Assert.That(exit, Is.Zero, stderr);
        Assert.That(stderr, Is.Empty);
        Assert.That(facts.Os!.Kernel, Is.EqualTo(File.ReadAllText("/proc/sys/kernel/osrelease").Trim()));
        Assert.That(facts.Os.Hostname, Is.EqualTo(File.ReadAllText("/proc/sys/kernel/hostname").Trim()));
        Assert.That(facts.Files.Keys, Is.SupersetOf(KnownPaths.Managed));
    }

    [Test]
    public async Task Render_RunByShOnThisMachine_WritesItsOutputAtTheEnd()
    {
        // Each write the probe makes reaches the daemon as an SSH packet and a wake-up of its session
        // thread: written line by line, dash makes dozens on every host every pass (~70 here).
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ProbeScript.Render(new ProbeInputs("127.0.0.1")));
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var buffer = new byte[1 << 20];
        int reads = 0, total = 0, read;
        while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            reads++;
            total += read;
        }

        await process.WaitForExitAsync(timeout.Token);

        Assert.That(process.ExitCode, Is.Zero, await stderr);
        Assert.That(total, Is.GreaterThan(1000));
        // dash writes its output buffer in blocks of a few KiB; nothing comes before the end.
        Assert.That(reads, Is.LessThanOrEqualTo(1 + (total / 4096)), $"{total} bytes in {reads} reads");
    }

    [Test]
    public void Render_GlobSkipList_NamesEveryFixedYamlOfTheGlobbedFoldersAndNothingElse()
    {
        // A file both listed and globbed would be stat'ed and hashed twice.
        var inputs = new ProbeInputs("10.0.0.7") { Files = [.. KnownPaths.Managed, "/etc/containerd/certs.d/quay.io/hosts.toml"] };
        var line = ProbeScript.Render(inputs).Split('\n').Single(l => l.TrimStart().StartsWith("case $f in *'*'*", StringComparison.Ordinal));
        var skipped = line[(line.IndexOf("*[!A-Za-z0-9._/-]*|", StringComparison.Ordinal) + "*[!A-Za-z0-9._/-]*|".Length)..line.IndexOf(") continue", StringComparison.Ordinal)].Split('|');

        var expected = KnownPaths.Managed.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) && ProbeScript.GlobbedFolders.Contains(Path.GetDirectoryName(f)));
        Assert.That(skipped, Is.EquivalentTo(expected));
        Assert.That(skipped, Does.Contain(KnownPaths.EtcdManifest).And.Contain(KnownPaths.EtcdKubeadmConfig));
    }

    [Test]
    public void Render_Script_FitsOneExecArgument()
    {
        Assert.That(ProbeScript.Render(new ProbeInputs("10.0.0.7")).Length, Is.LessThan(8 * 1024));
    }

    private static async Task<(int Exit, string StdOut, string StdErr)> RunAsync(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
