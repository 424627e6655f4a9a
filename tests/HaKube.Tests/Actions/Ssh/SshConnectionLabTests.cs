using System.Text;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Ssh;

[TestFixture]
[Category("Lab")]
public sealed class SshConnectionLabTests() : LabHostsFixture(3, new LabOptions("sshl", "127.0.31"))
{
    private (LabHost Bastion, LabHost Private)? _bastion;

    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    // lab.sh starts the bastion topology once per lab.
    private async Task<(LabHost Bastion, LabHost Private)> BastionAsync() => _bastion ??= await Lab.StartBastionAsync(Token);

    [Test]
    public async Task RunAsync_PinnedHostKey_RunsAsRootAndCapturesBothStreams()
    {
        await using var pool = new SshConnectionPool();
        var host = Lab.Hosts[0];

        var result = await pool.Get(LabTargets.Pinned(host, ClientKey)).RunAsync("hostname; id -u; echo oops >&2; exit 4", null, Token);

        Assert.That(result, Is.EqualTo(new CommandResult(4, null, $"{host.Name}\n0\n", "oops\n", false)));
        Assert.That(result.Succeeded, Is.False);
    }

    [Test]
    public async Task RunAsync_KnownHostsFile_Connects()
    {
        await using var pool = new SshConnectionPool();
        var knownHosts = await KnownHosts.LoadAsync(Lab.KnownHostsPath, Token);

        var result = await pool.Get(LabTargets.FromKnownHosts(Lab.Hosts[1], ClientKey, knownHosts)).RunAsync("hostname", null, Token);

        Assert.That(result.Succeeded, Is.True, result.StdErr);
        Assert.That(result.StdOut, Is.EqualTo(Lab.Hosts[1].Name + "\n"));
    }

    [Test]
    public async Task RunAsync_ChangedHostKey_RefusedWithBothFingerprintsAndNoSessionStarted()
    {
        await using var pool = new SshConnectionPool();
        var host = Lab.Hosts[2];
        var other = Lab.Hosts[0];
        // The host "changed" its key: what it presents is no longer the pinned one.
        var target = LabTargets.Pinned(host, ClientKey) with
        {
            Endpoint = new SshEndpoint(host.Address, host.Port, "root", HostKeyPolicy.Pinned(LabTargets.Parse(other.HostKey))),
        };
        var sessions = LabHosts.CountSessions(host);
        var logins = LabTargets.CountConnections(host);

        var error = Assert.ThrowsAsync<HostKeyMismatchException>(() => pool.Get(target).RunAsync("touch /tmp/should-not-exist", null, Token))!;

        Assert.That(error.Verdict, Is.EqualTo(HostKeyVerdict.Mismatch));
        Assert.That(error.Host, Is.EqualTo(host.Name));
        Assert.That(error.ExpectedFingerprints, Is.EqualTo(new[] { HostKeyPolicy.Fingerprint(LabTargets.Parse(other.HostKey).Blob) }));
        Assert.That(error.PresentedFingerprint, Is.EqualTo(HostKeyPolicy.Fingerprint(LabTargets.Parse(host.HostKey).Blob)));
        Assert.That(error.Message, Does.Contain(error.PresentedFingerprint).And.Contain(error.ExpectedFingerprints[0]));
        Assert.That(await LabTargets.SettledAsync(() => LabHosts.CountSessions(host), sessions, Token), Is.EqualTo(sessions), "a session started");
        Assert.That(LabTargets.CountConnections(host), Is.EqualTo(logins), "HaKube authenticated to a host it does not trust");
        Assert.That(File.Exists(host.PathOnMachine("/tmp/should-not-exist")), Is.False);
    }

    [Test]
    public async Task RunAsync_HostMissingFromKnownHosts_RefusedAsUnknown()
    {
        await using var pool = new SshConnectionPool();

        var error = Assert.ThrowsAsync<HostKeyMismatchException>(() => pool.Get(LabTargets.FromKnownHosts(Lab.Hosts[0], ClientKey, KnownHosts.Empty)).RunAsync("true", null, Token))!;

        Assert.That(error.Verdict, Is.EqualTo(HostKeyVerdict.Unknown));
    }

    [Test]
    public async Task RunAsync_NonRootUser_RunsThroughSudo()
    {
        await using var pool = new SshConnectionPool();

        var result = await pool.Get(LabTargets.Pinned(Lab.Hosts[1], ClientKey, user: "hakube")).RunAsync("id -u; printf '%s\\n' \"$SUDO_USER\"", null, Token);

        Assert.That(result.Succeeded, Is.True, result.StdErr);
        Assert.That(result.StdOut, Is.EqualTo("0\nhakube\n"));
    }

    [Test]
    public async Task UploadAsync_NonRootUser_WritesAtomicallyWithModeAndDownloadReadsItBack()
    {
        await using var pool = new SshConnectionPool();
        var host = Lab.Hosts[2];
        var connection = pool.Get(LabTargets.Pinned(host, ClientKey, user: "hakube"));
        var content = Encoding.UTF8.GetBytes("apiVersion: v1\nkind: it's \"quoted\" $(not run)\n");

        await connection.UploadAsync("/etc/kubernetes/hakube/upload-test.yaml", content, RemoteFileOptions.Private, Token);
        var back = await connection.DownloadAsync("/etc/kubernetes/hakube/upload-test.yaml", Token);
        var missing = await connection.DownloadAsync("/etc/kubernetes/hakube/none.yaml", Token);
        var mode = await connection.RunAsync("stat -c '%a %U' /etc/kubernetes/hakube/upload-test.yaml; ls -A /etc/kubernetes/hakube", null, Token);

        Assert.That(back, Is.EqualTo(content));
        Assert.That(missing, Is.Null);
        Assert.That(mode.StdOut, Is.EqualTo("600 root\nupload-test.yaml\n"));
    }

    [Test]
    public async Task RunAsync_Timeout_ThrowsTypedTimeout()
    {
        await using var pool = new SshConnectionPool();
        var connection = pool.Get(LabTargets.Pinned(Lab.Hosts[0], ClientKey));

        var error = Assert.ThrowsAsync<RemoteCommandTimeoutException>(() => connection.RunAsync("sleep 30", new CommandOptions { Name = "sleeper", Timeout = TimeSpan.FromMilliseconds(300) }, Token))!;
        var after = await connection.RunAsync("echo still-usable", null, Token);

        Assert.That(error.CommandName, Is.EqualTo("sleeper"));
        Assert.That(after.StdOut, Is.EqualTo("still-usable\n"));
    }

    [Test]
    public async Task RunAsync_OutputAboveLimit_KeepsTheLimitAndSaysTruncated()
    {
        await using var pool = new SshConnectionPool();

        var result = await pool.Get(LabTargets.Pinned(Lab.Hosts[0], ClientKey)).RunAsync("head -c 300000 /dev/zero | tr '\\0' x", new CommandOptions { MaxCaptureBytes = 1000 }, Token);

        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.Truncated, Is.True);
        Assert.That(result.StdOut, Has.Length.EqualTo(1000));
    }

    [Test]
    public async Task RunAsync_SessionCutBetweenCalls_ReconnectsOnNextCall()
    {
        await using var pool = new SshConnectionPool();
        var host = Lab.Hosts[1];
        var connection = pool.Get(LabTargets.Pinned(host, ClientKey));
        await connection.RunAsync("true", null, Token);

        await Lab.CutSshAsync(host, Token);
        await Lab.RestoreSshAsync(host, Token);
        var result = await connection.RunAsync("echo back", null, Token);

        Assert.That(result.StdOut, Is.EqualTo("back\n"));
        Assert.That(pool.TotalConnects, Is.EqualTo(2));
    }

    [Test]
    public async Task RunAsync_SessionEndedUnseen_StartsTheCommandOnANewSession()
    {
        var host = Lab.Hosts[2];
        await using var relay = ResettingRelay.Start(host.Address, host.Port);
        await using var pool = new SshConnectionPool();
        var endpoint = new SshEndpoint("127.0.0.1", relay.Port, "root", HostKeyPolicy.Pinned(LabTargets.Parse(host.HostKey)));
        var connection = pool.Get(new SshTarget(host.Name, endpoint, null, ClientKey));
        await connection.RunAsync("true", null, Token);

        relay.Reboot();
        var result = await connection.RunAsync("echo back", null, Token);

        Assert.Multiple(() =>
        {
            Assert.That(result.StdOut, Is.EqualTo("back\n"));
            Assert.That(relay.Resets, Is.EqualTo(1), "the old session learnt of its end only from the reset");
            Assert.That(pool.TotalConnects, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RunAsync_ManyCallsOnePool_OneConnection()
    {
        await using var pool = new SshConnectionPool();
        var host = Lab.Hosts[0];
        var logins = LabTargets.CountConnections(host);

        for (var i = 0; i < 5; i++)
        {
            await pool.Get(LabTargets.Pinned(host, ClientKey)).RunAsync("true", null, Token);
        }

        Assert.That(await LabTargets.SettledAsync(() => LabTargets.CountConnections(host), logins + 1, Token), Is.EqualTo(logins + 1));
        Assert.That(pool.TotalConnects, Is.EqualTo(1));
    }

    [Test]
    public async Task ProbeHostAsync_HostBehindBastion_IsProbedThroughTheTunnel()
    {
        var (bastion, hidden) = await BastionAsync();
        await using var pool = new SshConnectionPool();
        var jump = new SshEndpoint(bastion.Address, bastion.Port, "root", HostKeyPolicy.Pinned(LabTargets.Parse(bastion.HostKey)));
        var target = LabTargets.Pinned(hidden, ClientKey, bastion: jump);

        var facts = await new HostProber(pool).ProbeHostAsync(target, Token);

        Assert.That(facts.Reachable, Is.True, facts.Error);
        Assert.That(facts.Os!.Hostname, Is.EqualTo(hidden.Name));
        Assert.That(LabTargets.CountConnections(bastion), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task RunAsync_BastionKeyChanged_RefusedAtTheBastion()
    {
        var (bastion, hidden) = await BastionAsync();
        await using var pool = new SshConnectionPool();
        var jump = new SshEndpoint(bastion.Address, bastion.Port, "root", HostKeyPolicy.Pinned(LabTargets.Parse(hidden.HostKey)));

        var error = Assert.ThrowsAsync<HostKeyMismatchException>(() => pool.Get(LabTargets.Pinned(hidden, ClientKey, bastion: jump)).RunAsync("true", null, Token))!;

        Assert.That(error.Host, Does.Contain(bastion.Address));
    }
}
