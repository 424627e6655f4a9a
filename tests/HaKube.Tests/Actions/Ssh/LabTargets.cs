using System.Text;
using HaKube.Actions.Ssh;
using HaKube.Model.Validation;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Ssh;

/// <summary>Transport targets for lab hosts, and sshd log counters.</summary>
internal static class LabTargets
{
    public static SshTarget Pinned(LabHost host, SshPrivateKey key, string user = "root", SshEndpoint? bastion = null) =>
        new(host.Name, new SshEndpoint(host.Address, host.Port, user, HostKeyPolicy.Pinned(Parse(host.HostKey))), bastion, key);

    public static SshTarget FromKnownHosts(LabHost host, SshPrivateKey key, KnownHosts knownHosts, string user = "root") =>
        new(host.Name, new SshEndpoint(host.Address, host.Port, user, HostKeyPolicy.FromKnownHosts(knownHosts, host.Address, host.Name, host.Port)), null, key);

    public static SshHostKey Parse(string text) =>
        SshHostKey.TryParse(text, out var key, out var problem) ? key! : throw new ArgumentException(problem);

    /// <summary>sshd logs one "Accepted publickey" line per authenticated connection.</summary>
    public static int CountConnections(LabHost host) => CountLines(host, "Accepted publickey");

    public static int CountLines(LabHost host, string text)
    {
        if (!File.Exists(host.SshdLogPath))
        {
            return 0;
        }

        using var stream = new FileStream(host.SshdLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var count = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Waits (bounded) until sshd's log lines for <paramref name="counter"/> stop changing: sshd
    /// writes them a moment after the client sees the result.
    /// </summary>
    public static async Task<int> SettledAsync(Func<int> counter, int expectedAtLeast, CancellationToken cancellationToken)
    {
        var value = counter();
        for (var i = 0; i < 40 && value < expectedAtLeast; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            value = counter();
        }

        // A little longer, so that an extra line (a second session) would be seen too.
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        return counter();
    }
}
