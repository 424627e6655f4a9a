using System.Diagnostics;
using System.Runtime.Versioning;
using HaKube.Actions.Ssh;

namespace HaKube.Tests.Actions.Ssh;

// The remote side is Linux; these tests run sh and set Unix file modes.
[SupportedOSPlatform("linux")]
public sealed class RemoteFilesTests
{
    [TestCase("etc/relative")]
    [TestCase("/etc/../shadow")]
    [TestCase("/etc/./x")]
    [TestCase("/etc//x")]
    [TestCase("/etc/dir/")]
    [TestCase("/etc/new\nline")]
    public void UploadScript_BadPath_IsRejected(string path)
    {
        Assert.That(() => RemoteFiles.UploadScript(path, RemoteFileOptions.Public), Throws.ArgumentException);
    }

    [TestCase("644; rm -rf /")]
    [TestCase("0999")]
    [TestCase("u+x")]
    public void UploadScript_BadMode_IsRejected(string mode)
    {
        Assert.That(() => RemoteFiles.UploadScript("/etc/x", new RemoteFileOptions(mode)), Throws.ArgumentException);
    }

    [TestCase("root;id")]
    [TestCase("$(id)")]
    [TestCase("root:")]
    public void UploadScript_BadOwner_IsRejected(string owner)
    {
        Assert.That(() => RemoteFiles.UploadScript("/etc/x", new RemoteFileOptions("0644", owner)), Throws.ArgumentException);
    }

    [Test]
    public async Task UploadScript_RunLocally_WritesContentModeAndLeavesNoTemporaryFile()
    {
        var root = Directory.CreateTempSubdirectory("hakube-upload-").FullName;
        try
        {
            var target = Path.Combine(root, "new dir", "it's.conf");
            var owner = Environment.UserName;

            var exit = await RunAsync(RemoteFiles.UploadScript(target, new RemoteFileOptions("0640", owner)), "secret\ncontent");

            Assert.That(exit, Is.Zero);
            Assert.That(await File.ReadAllTextAsync(target), Is.EqualTo("secret\ncontent"));
            Assert.That(File.GetUnixFileMode(target), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(target)!), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task UploadScript_FailingChown_LeavesTargetUntouchedAndNoTemporaryFile()
    {
        var root = Directory.CreateTempSubdirectory("hakube-upload-").FullName;
        try
        {
            var target = Path.Combine(root, "kept.conf");
            await File.WriteAllTextAsync(target, "old");

            var exit = await RunAsync(RemoteFiles.UploadScript(target, new RemoteFileOptions("0600", "no-such-user-hakube")), "new");

            Assert.That(exit, Is.Not.Zero);
            Assert.That(await File.ReadAllTextAsync(target), Is.EqualTo("old"));
            Assert.That(Directory.GetFiles(root), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void DownloadScript_Path_IsQuoted()
    {
        Assert.That(RemoteFiles.DownloadScript("/etc/it's"), Does.Contain("cat -- '/etc/it'\\''s'"));
    }

    private static async Task<int> RunAsync(string script, string stdin)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
