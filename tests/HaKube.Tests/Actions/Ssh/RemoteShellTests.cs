using System.Runtime.Versioning;
using HaKube.Actions.Ssh;

namespace HaKube.Tests.Actions.Ssh;

// The remote side is Linux; these tests run sh and set Unix file modes.
[SupportedOSPlatform("linux")]
public sealed class RemoteShellTests
{
    private const string Script = "echo \"it's $((1+1))\"\nprintf '%s\\n' \"$0\"";

    [Test]
    public void CommandLine_Root_RunsScriptUnderShWithoutSudo()
    {
        Assert.That(RemoteShell.CommandLine("id", useSudo: false), Is.EqualTo("exec /bin/sh -c id"));
    }

    [Test]
    public void CommandLine_NonRoot_RunsThroughSudoNonInteractive()
    {
        Assert.That(RemoteShell.CommandLine("id -u", useSudo: true), Is.EqualTo("exec sudo -n /bin/sh -c 'id -u'"));
    }

    [Test]
    public void CommandLine_Deadline_TimeoutHoldsTheShellToItInWholeSecondsAfterSudo()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RemoteShell.CommandLine("id", useSudo: false, TimeSpan.FromSeconds(90)), Is.EqualTo("exec timeout -k 5 90 /bin/sh -c id"));
            Assert.That(RemoteShell.CommandLine("id", useSudo: true, TimeSpan.FromMilliseconds(1500)), Is.EqualTo("exec sudo -n timeout -k 5 2 /bin/sh -c id"));
            Assert.That(RemoteShell.CommandLine("id", useSudo: false, TimeSpan.Zero), Is.EqualTo("exec timeout -k 5 1 /bin/sh -c id"));
            Assert.That(RemoteShell.CommandLine("id", useSudo: false, Timeout.InfiniteTimeSpan), Is.EqualTo("exec /bin/sh -c id"));
        });
    }

    [Test]
    public async Task CommandLine_DeadlinePassed_ShellIsKilledWithExit124()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await HaKube.Tests.Lab.LabProcess.RunAsync("/bin/sh", ["-c", RemoteShell.CommandLine("sleep 30; echo late", useSudo: false, TimeSpan.FromSeconds(1))], TimeSpan.FromSeconds(20));

        Assert.That(result.ExitCode, Is.EqualTo(RemoteShell.DeadlineExitStatus));
        Assert.That(result.StandardOutput, Is.Empty);
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
    }

    [Test]
    public async Task CommandLine_MultiLineScriptWithQuotes_ReachesShUnchanged()
    {
        // The login shell is what sshd starts; sh stands in for it here.
        var printed = await ShellQuoteTests.RunShAsync(RemoteShell.CommandLine(Script, useSudo: false));

        Assert.That(printed, Is.EqualTo("it's 2\n/bin/sh\n"));
    }

    [Test]
    public async Task CommandLine_SudoWrapped_SudoReceivesTheWholeScriptAsOneArgument()
    {
        // A stand-in sudo on PATH prints its arguments one per line instead of switching user.
        var bin = Directory.CreateTempSubdirectory("hakube-sudo-").FullName;
        try
        {
            var sudo = Path.Combine(bin, "sudo");
            await File.WriteAllTextAsync(sudo, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
            File.SetUnixFileMode(sudo, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            var printed = await ShellQuoteTests.RunShAsync($"PATH={bin}:$PATH; " + RemoteShell.CommandLine(Script, useSudo: true));

            Assert.That(printed, Is.EqualTo($"[-n][/bin/sh][-c][{Script}]"));
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Test]
    public void CommandLine_ScriptAboveArgumentLimit_IsRejected()
    {
        Assert.That(() => RemoteShell.CommandLine(new string('x', RemoteShell.MaxScriptLength + 1), useSudo: false), Throws.ArgumentException);
    }

    [TestCase("root", false)]
    [TestCase("hakube", true)]
    [TestCase("Root", true)]
    public void NeedsSudo_User_OnlyRootRunsDirectly(string user, bool expected)
    {
        Assert.That(RemoteShell.NeedsSudo(user), Is.EqualTo(expected));
    }
}
