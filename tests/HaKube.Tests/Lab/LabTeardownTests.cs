namespace HaKube.Tests.Lab;

[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class LabTeardownTests
{
    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task Down_LabWithBastionAndHostsOffAndCut_LeavesNoProcessMountNamespaceOrFolder()
    {
        var lab = await LabHosts.StartAsync(2, new LabOptions("labd", "127.0.24"), Token);
        try
        {
            await lab.StartBastionAsync(Token);
            await lab.PowerOffAsync(lab.Hosts[0], Token);
            await lab.CutSshAsync(lab.Hosts[1], Token);
            Assert.That(LabHosts.ProcessesOf(lab.Directory), Is.Not.Empty, "the lab's processes are not recognisable");
        }
        finally
        {
            await lab.StopAsync(Token);
        }

        await AssertNothingLeftAsync(lab.Directory);
    }

    [Test]
    public async Task Down_AfterTheLabFolderWasLost_StillStopsItsHosts()
    {
        var lab = await LabHosts.StartAsync(2, new LabOptions("labl", "127.0.25"), Token);
        try
        {
            Directory.Delete(lab.Directory, recursive: true);
            Assert.That(LabHosts.ProcessesOf(lab.Directory), Is.Not.Empty);
        }
        finally
        {
            await lab.StopAsync(Token);
        }

        // A killed host's sshd may still hold its socket for a moment (its namespace is being torn
        // down: "connection reset"); what must follow, within a bounded wait, is a refusal.
        LabCommandResult ssh = null!;
        for (var attempt = 0; attempt < 25; attempt++)
        {
            ssh = await LabProcess.RunAsync("ssh", ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3", "root@127.0.25.1", "true"], TimeSpan.FromSeconds(20), cancellationToken: Token);
            if (ssh.StandardError.Contains("Connection refused", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(200, Token);
        }

        Assert.That(ssh.StandardError, Does.Contain("Connection refused"));
        await AssertNothingLeftAsync(lab.Directory);
    }

    [Test]
    public async Task StartAsync_AfterAnEarlierRunLeftItsHostsRunning_StartsAFreshLab()
    {
        var options = new LabOptions("labr", "127.0.26");
        var crashed = await LabHosts.StartAsync(1, options, Token);
        var oldKey = crashed.Hosts[0].HostKey;
        var oldProcesses = LabHosts.ProcessesOf(crashed.Directory);

        // The first lab is never disposed, as after a crashed test run.
        var lab = await LabHosts.StartAsync(1, options, Token);
        try
        {
            var result = await lab.SshAsync(lab.Hosts[0], "hostname", cancellationToken: Token);
            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.Zero, result.StandardError);
                Assert.That(lab.Hosts[0].HostKey, Is.Not.EqualTo(oldKey));
                Assert.That(LabHosts.ProcessesOf(lab.Directory).Intersect(oldProcesses), Is.Empty);
            });
        }
        finally
        {
            await lab.StopAsync(Token);
        }

        await AssertNothingLeftAsync(lab.Directory);
    }

    private static async Task AssertNothingLeftAsync(string directory)
    {
        var namespaces = await LabProcess.RunAsync("ip", ["netns", "list"], TimeSpan.FromSeconds(10), cancellationToken: Token);
        var routes = await LabProcess.RunAsync("ip", ["route", "show"], TimeSpan.FromSeconds(10), cancellationToken: Token);
        var links = await LabProcess.RunAsync("ip", ["-o", "link", "show"], TimeSpan.FromSeconds(10), cancellationToken: Token);
        var mounts = await File.ReadAllTextAsync("/proc/mounts", Token);

        Assert.Multiple(() =>
        {
            Assert.That(LabHosts.ProcessesOf(directory), Is.Empty, "lab processes remain (unshare, sshd, sessions)");
            Assert.That(namespaces.StandardOutput, Does.Not.Contain("hakube-lab"));
            Assert.That(routes.StandardOutput, Does.Not.Contain("198.18."));
            Assert.That(links.StandardOutput, Does.Not.Contain("hklab-"));
            Assert.That(mounts, Does.Not.Contain(directory).And.Not.Contain("hakube-lab"));
            Assert.That(Directory.Exists(directory), Is.False, "the lab folder remains");
        });
    }
}
