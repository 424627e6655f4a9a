using System.Diagnostics;
using HaKube.Actions.Ssh;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Ssh;

/// <summary>
/// A remote command's budget holds on the host too: once it timed out, was cancelled, or lost its
/// connection, the command is gone from the host and does nothing more there. Each case runs a
/// script that would write a marker file after 8 s, and checks after 10 s that it never did and
/// that nothing of it still runs. As root and as a sudo user. Measured without the host-side
/// deadline: every root case and the sudo user's lost connection wrote the marker (the sudo user's
/// timeout and cancellation happened to end through sudo relaying the session's end).
/// </summary>
[TestFixture]
[Category("Lab")]
public sealed class RemoteDeadlineLabTests() : LabHostsFixture(1, new LabOptions("snap2", "127.0.141"))
{
    private const int LateSeconds = 8;
    private static readonly TimeSpan Watch = TimeSpan.FromSeconds(LateSeconds + 2);

    private LabHost Host => Lab.Hosts[0];

    [TestCase("root")]
    [TestCase("hakube")]
    public async Task RunAsync_CommandOutlivesItsTimeout_IsGoneFromTheHost(string user)
    {
        var marker = $"/var/tmp/hk-deadline-timeout-{user}";
        await using var pool = new SshConnectionPool();
        var watch = Stopwatch.StartNew();

        Assert.ThrowsAsync<RemoteCommandTimeoutException>(() =>
            pool.Get(Target(user)).RunAsync(LateScript(marker), new CommandOptions { Name = "late", Timeout = TimeSpan.FromSeconds(2) }, CancellationToken.None));

        await AssertGoneAsync(marker, watch);
    }

    [TestCase("root")]
    [TestCase("hakube")]
    public async Task RunAsync_Cancelled_IsGoneFromTheHost(string user)
    {
        var marker = $"/var/tmp/hk-deadline-cancel-{user}";
        await using var pool = new SshConnectionPool();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();

        Assert.CatchAsync<OperationCanceledException>(() =>
            pool.Get(Target(user)).RunAsync(LateScript(marker), new CommandOptions { Name = "late", Timeout = TimeSpan.FromSeconds(5) }, cancel.Token));

        await AssertGoneAsync(marker, watch);
    }

    [TestCase("root")]
    [TestCase("hakube")]
    public async Task RunAsync_ConnectionLost_CommandStillEndsAtItsDeadline(string user)
    {
        var marker = $"/var/tmp/hk-deadline-lost-{user}";
        var pool = new SshConnectionPool();
        var watch = Stopwatch.StartNew();
        var running = pool.Get(Target(user)).RunAsync(LateScript(marker), new CommandOptions { Name = "late", Timeout = TimeSpan.FromSeconds(4) }, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));

        // The daemon's side of the connection goes away (a crash, a dropped link): no signal reaches the host.
        await pool.DisposeAsync();
        Assert.CatchAsync<Exception>(() => running);

        await AssertGoneAsync(marker, watch);
    }

    private SshTarget Target(string user) => LabTargets.Pinned(Host, ClientKey, user);

    /// <summary>Sleeps, then writes the marker: proof the command went on changing the host.</summary>
    private static string LateScript(string marker) => $"rm -f {marker}; sleep {LateSeconds}; touch {marker}";

    private async Task AssertGoneAsync(string marker, Stopwatch since)
    {
        // Give the command every chance to finish what it started, had it survived.
        var wait = Watch - since.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        // The bracket keeps pgrep from matching this check's own command line.
        var check = await Lab.ShellAsync(Host, $"if [ -e {marker} ]; then echo marker; fi; pgrep -f 'slee[p] {LateSeconds}' >/dev/null && echo running; rm -f {marker}; true");

        Assert.That(check.StandardOutput.Trim(), Is.Empty, "the command went on after its deadline (marker written, or its sleep still running)");
    }
}
