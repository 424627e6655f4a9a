namespace HaKube.Tests.Lab;

[TestFixture]
[Category("Lab")]
public sealed class LabHostsTests() : LabHostsFixture(3, new LabOptions("labt", "127.0.21"))
{
    private static readonly string[] OwnFolders = ["/etc/kubernetes", "/var/lib/etcd", "/var/lib/kubelet", "/etc/systemd/system", "/tmp"];

    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task Up_ThreeHosts_HaveDistinctHostnamesAddressesAndHostKeysVerifiedBySsh()
    {
        var hosts = Lab.Hosts;
        var hostnames = new List<string>();
        foreach (var host in hosts)
        {
            var result = await Lab.SshAsync(host, "hostname", cancellationToken: Token);
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            hostnames.Add(result.StandardOutput.Trim());
        }

        var knownHosts = await File.ReadAllLinesAsync(Lab.KnownHostsPath, Token);
        Assert.Multiple(() =>
        {
            Assert.That(hosts.Select(h => h.Name), Is.EqualTo(new[] { "labt1", "labt2", "labt3" }));
            Assert.That(hostnames, Is.EqualTo(hosts.Select(h => h.Name)));
            Assert.That(hosts.Select(h => h.Address), Is.EqualTo(new[] { "127.0.21.1", "127.0.21.2", "127.0.21.3" }.Select(LabOptions.Isolated)));
            Assert.That(hosts.Select(h => h.HostKey), Is.Unique);
            Assert.That(hosts.Select(h => h.HostKey), Has.All.Match("^ssh-ed25519 [A-Za-z0-9+/=]+$"));
            Assert.That(knownHosts, Is.EquivalentTo(hosts.Select(h => $"{h.Address} {h.HostKey}")));
            Assert.That(hosts.Select(h => h.Port), Has.All.EqualTo(22));
        });
    }

    [Test]
    public async Task Ssh_KnownHostsPinningAnotherHostsKey_FailsVerification()
    {
        var target = Lab.Hosts[0];
        var wrong = Path.Combine(Lab.Directory, $"wrong-known-hosts-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(wrong, $"{target.Address} {Lab.Hosts[1].HostKey}\n", Token);
        try
        {
            var result = await LabProcess.RunAsync(
                "ssh", [.. LabHosts.SshOptions(target, wrong), $"root@{target.Address}", "true"], TimeSpan.FromSeconds(30), cancellationToken: Token);

            Assert.That(result.ExitCode, Is.EqualTo(255));
            Assert.That(result.StandardError, Does.Contain("Host key verification failed"));
        }
        finally
        {
            File.Delete(wrong);
        }
    }

    [TestCaseSource(nameof(OwnFolders))]
    public async Task OwnFolder_FileWrittenOnOneHost_IsSeenOnNoOtherHostNorOnTheMachine(string folder)
    {
        var file = $"{folder}/lab-test-{Guid.NewGuid():N}";
        var (writer, reader) = (Lab.Hosts[0], Lab.Hosts[1]);

        var written = await Lab.SshAsync(writer, $"echo on-{writer.Name} > {file} && cat {file}", cancellationToken: Token);
        var seenElsewhere = await Lab.SshAsync(reader, $"test -e {file}", cancellationToken: Token);

        Assert.Multiple(() =>
        {
            Assert.That(written.ExitCode, Is.Zero, written.StandardError);
            Assert.That(written.StandardOutput.Trim(), Is.EqualTo($"on-{writer.Name}"));
            Assert.That(seenElsewhere.ExitCode, Is.EqualTo(1), "the other host sees the file");
            Assert.That(File.Exists(file), Is.False, "the real machine sees the file");
            Assert.That(File.Exists(writer.PathOnMachine(file)), Is.True, "the file is not in the host's folder");
        });
    }

    [Test]
    public async Task Sudo_NonRootUserHakube_RunsSudoWithoutPassword()
    {
        var result = await Lab.SshAsync(Lab.Hosts[2], "id -un && sudo -n true && sudo -n id -u", user: "hakube", cancellationToken: Token);
        var machineUsers = await File.ReadAllTextAsync("/etc/passwd", Token);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            Assert.That(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "hakube", "0" }));
            Assert.That(result.StandardError, Is.Empty);
            Assert.That(machineUsers, Does.Not.Contain("hakube:"), "hakube must exist only inside lab hosts");
        });
    }

    [Test]
    public async Task ShellStartup_RootOverSsh_HasCleanHomeWithoutPyenv()
    {
        var result = await Lab.SshAsync(Lab.Hosts[0], "echo \"home=$HOME pyenv=${PYENV_ROOT-unset}\"; cat ~/.bashrc ~/.profile", cancellationToken: Token);

        var lines = result.StandardOutput.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            Assert.That(lines[0], Is.EqualTo("home=/root pyenv=unset"));
            Assert.That(lines.Skip(1), Has.None.Contain("pyenv"), "the host's ~/.bashrc or ~/.profile runs pyenv");
        });
    }

    [Test]
    public async Task SshdLog_OneSshCommand_AddsOneStartingSession()
    {
        var host = Lab.Hosts[1];
        var others = Lab.Hosts.Where(h => h != host).Select(LabHosts.CountSessions).ToList();
        var before = LabHosts.CountSessions(host);

        var result = await Lab.SshAsync(host, "true", cancellationToken: Token);
        var after = before;
        for (var i = 0; i < 50 && after == before; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Token);
            after = LabHosts.CountSessions(host);
        }

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            Assert.That(after, Is.EqualTo(before + 1));
            Assert.That(Lab.Hosts.Where(h => h != host).Select(LabHosts.CountSessions), Is.EqualTo(others));
        });
    }

    [Test]
    public async Task Exec_Host_RunsInItsOwnUtsPidAndMountNamespaces()
    {
        var host = Lab.Hosts[2];

        var result = await Lab.ShellAsync(host, "hostname; cat /proc/1/comm; findmnt -n -o TARGET /etc/kubernetes; ps -e --no-headers | wc -l", Token);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo(host.Name));
            Assert.That(lines[1], Is.EqualTo("bash"), "PID 1 of the host is its reaper");
            Assert.That(lines[2], Is.EqualTo("/etc/kubernetes"));
            Assert.That(int.Parse(lines[3], System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(20), "the host sees only its own processes");
        });
    }

    [Test]
    public async Task Help_LabScript_NamesEveryCommand()
    {
        var result = await LabProcess.RunAsync(LabHosts.Script, ["--help"], TimeSpan.FromSeconds(10), cancellationToken: Token);

        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.StandardOutput, Does.Contain("up N").And.Contain("down").And.Contain("poweroff HOST").And.Contain("poweron HOST")
            .And.Contain("cut-ssh HOST").And.Contain("restore-ssh HOST").And.Contain("status").And.Contain("exec HOST").And.Contain("bastion-up"));
    }
}
