using System.Text;

namespace HaKube.Tests.Lab;

[TestFixture]
[Category("Lab")]
public sealed class LabPowerTests() : LabHostsFixture(2, new LabOptions("labp", "127.0.22"))
{
    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task PowerOff_HostWithARunningProcess_SshFailsAndTheProcessDies()
    {
        var (host, other) = (Lab.Hosts[0], Lab.Hosts[1]);
        var started = await Lab.SshAsync(host, "nohup sleep 86401 >/dev/null 2>&1 & echo started", cancellationToken: Token);
        Assert.That(started.ExitCode, Is.Zero, started.StandardError);
        var sleepers = await WaitForProcessesAsync("sleep\086401\0", expectAny: true);
        Assert.That(sleepers, Is.Not.Empty, "the process started over SSH is not running");

        try
        {
            await Lab.PowerOffAsync(host, Token);

            var ssh = await Lab.SshAsync(host, "true", cancellationToken: Token);
            var otherSsh = await Lab.SshAsync(other, "true", cancellationToken: Token);
            var status = await Lab.StatusAsync(Token);
            Assert.Multiple(() =>
            {
                Assert.That(ssh.ExitCode, Is.EqualTo(255));
                Assert.That(otherSsh.ExitCode, Is.Zero, "powering one host off must not touch another");
                Assert.That(status, Does.Contain($"{host.Name}\t{host.Address}\toff"));
            });
            Assert.That(await WaitForProcessesAsync("sleep\086401\0", expectAny: false), Is.Empty, "processes of the host survived power off");
        }
        finally
        {
            await Lab.PowerOnAsync(host, Token);
        }
    }

    [Test]
    public async Task PowerOn_AfterPowerOff_SameHostKeyAndFiles()
    {
        var host = Lab.Hosts[1];
        var written = await Lab.SshAsync(host, "echo kept > /etc/kubernetes/power.txt", cancellationToken: Token);
        Assert.That(written.ExitCode, Is.Zero, written.StandardError);

        await Lab.PowerOffAsync(host, Token);
        await Lab.PowerOnAsync(host, Token);

        // StrictHostKeyChecking=yes with the known_hosts written at `up`: the key did not change.
        var result = await Lab.SshAsync(host, "hostname; cat /etc/kubernetes/power.txt", cancellationToken: Token);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            Assert.That(result.StandardOutput, Is.EqualTo($"{host.Name}\nkept\n"));
        });
    }

    [Test]
    public async Task CutSsh_Host_SshFailsAndSessionsEndWhileOtherProcessesRun_RestoreSshBringsSshBack()
    {
        var host = Lab.Hosts[0];
        var started = await Lab.ShellAsync(host, "nohup sleep 86402 >/dev/null 2>&1 & echo started", Token);
        Assert.That(started.ExitCode, Is.Zero, started.StandardError);
        var sessionsBefore = LabHosts.CountSessions(host);
        var longSession = Lab.SshAsync(host, "sleep 60", cancellationToken: Token);
        for (var i = 0; i < 100 && LabHosts.CountSessions(host) == sessionsBefore; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Token);
        }

        try
        {
            await Lab.CutSshAsync(host, Token);

            var ssh = await Lab.SshAsync(host, "true", cancellationToken: Token);
            var session = await longSession.WaitAsync(TimeSpan.FromSeconds(20), Token);
            var stillRunning = await Lab.ShellAsync(host, "pgrep -f 'sleep 86402'", Token);
            var status = await Lab.StatusAsync(Token);
            Assert.Multiple(() =>
            {
                Assert.That(ssh.ExitCode, Is.EqualTo(255));
                Assert.That(session.ExitCode, Is.Not.Zero, "an open SSH session survived cut-ssh");
                Assert.That(stillRunning.ExitCode, Is.Zero, "cut-ssh killed a process that is not sshd");
                Assert.That(status, Does.Contain($"{host.Name}\t{host.Address}\ton\tdown"));
            });

            await Lab.RestoreSshAsync(host, Token);

            var restored = await Lab.SshAsync(host, "hostname", cancellationToken: Token);
            Assert.That(restored.ExitCode, Is.Zero, restored.StandardError);
            Assert.That(restored.StandardOutput.Trim(), Is.EqualTo(host.Name));
        }
        finally
        {
            await Lab.RestoreSshAsync(host, Token);
            await Lab.ShellAsync(host, "pkill -f 'sleep 86402' || true", Token);
        }
    }

    /// <summary>Processes on the whole machine whose command line contains <paramref name="commandLine"/>.</summary>
    private static async Task<List<int>> WaitForProcessesAsync(string commandLine, bool expectAny)
    {
        var pattern = Encoding.UTF8.GetBytes(commandLine);
        var found = new List<int>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            found.Clear();
            foreach (var entry in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(entry), out var pid))
                {
                    continue;
                }

                try
                {
                    var stat = await File.ReadAllTextAsync(Path.Combine(entry, "stat"), Token);
                    var cmdline = await File.ReadAllBytesAsync(Path.Combine(entry, "cmdline"), Token);
                    if (!stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z') && cmdline.AsSpan().IndexOf(pattern) >= 0)
                    {
                        found.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Ended while we looked.
                }
            }

            if (found.Count > 0 == expectAny)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), Token);
        }

        return found;
    }
}
