namespace HaKube.Actions.Ssh;

/// <summary>
/// Turns a POSIX sh script into the one command line sent in an SSH exec request.
/// The script always runs under /bin/sh (the login shell may be anything); for a user other
/// than root it runs through <c>sudo -n</c>, which fails at once instead of prompting.
/// The script travels as one single-quoted argument, so nothing in it is interpreted by the
/// login shell or by sudo, and it leaves stdin free for data.
/// With a deadline, coreutils' <c>timeout</c> (run as root, after sudo) holds the script to it on the
/// host: a command HaKube gave up on (timed out, cancelled, or whose connection dropped, when no
/// signal can reach the host) is sent TERM at the deadline, with its whole process group, and KILL
/// <see cref="KillAfterSeconds"/> later, so it cannot go on changing the host unseen.
/// </summary>
public static class RemoteShell
{
    /// <summary>Linux refuses a single exec argument above 128 KiB (MAX_ARG_STRLEN); stay well under.</summary>
    public const int MaxScriptLength = 100 * 1024;

    /// <summary>Grace between timeout's TERM and its KILL.</summary>
    public const int KillAfterSeconds = 5;

    /// <summary>The exit status of <c>timeout</c> when the deadline ended the command.</summary>
    public const int DeadlineExitStatus = 124;

    /// <param name="script">A POSIX sh script.</param>
    /// <param name="useSudo">Run it through sudo -n (a user other than root).</param>
    /// <param name="deadline">Ends the script on the host after this long (whole seconds, rounded up); null or infinite: no host-side limit.</param>
    public static string CommandLine(string script, bool useSudo, TimeSpan? deadline = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(script);
        if (script.Length > MaxScriptLength)
        {
            throw new ArgumentException($"a remote script is limited to {MaxScriptLength} characters; send data on stdin", nameof(script));
        }

        var shell = "/bin/sh -c " + ShellQuote.Quote(script);
        // A negative budget is Timeout.InfiniteTimeSpan: no deadline on either side.
        if (deadline is { } limit && limit >= TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(limit.TotalSeconds));
            shell = $"timeout -k {KillAfterSeconds} {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} {shell}";
        }

        // exec: the login shell is replaced instead of waiting as an extra process.
        return useSudo ? "exec sudo -n " + shell : "exec " + shell;
    }

    /// <summary>Root logs in as root; everyone else needs sudo.</summary>
    public static bool NeedsSudo(string user) => !string.Equals(user, "root", StringComparison.Ordinal);
}
