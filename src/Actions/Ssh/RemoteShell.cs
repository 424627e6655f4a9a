namespace HaKube.Actions.Ssh;

/// <summary>
/// The SSH exec command line for a sh script: always /bin/sh (the login shell may be anything),
/// through <c>sudo -n</c> for non-root (fails instead of prompting), as one single-quoted argument
/// so nothing interprets it and stdin stays free. With a deadline, <c>timeout</c> on the host ends a
/// command HaKube gave up on (even if the connection dropped), so it cannot go on changing the host unseen.
/// </summary>
internal static class RemoteShell
{
    /// <summary>Linux refuses a single exec argument above 128 KiB (MAX_ARG_STRLEN).</summary>
    public const int MaxScriptLength = 100 * 1024;

    public const int KillAfterSeconds = 5;

    /// <summary><c>timeout</c>'s status when the deadline ended the command.</summary>
    public const int DeadlineExitStatus = 124;

    /// <summary>A <paramref name="deadline"/> in whole seconds, rounded up; null or infinite: no host-side limit.</summary>
    public static string CommandLine(string script, bool useSudo, TimeSpan? deadline = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(script);
        if (script.Length > MaxScriptLength)
        {
            throw new ArgumentException($"a remote script is limited to {MaxScriptLength} characters; send data on stdin", nameof(script));
        }

        // exec: the login shell is replaced instead of waiting as an extra process.
        var prefix = useSudo ? "exec sudo -n " : "exec ";
        // A negative budget is Timeout.InfiniteTimeSpan: no deadline on either side.
        if (deadline is { } limit && limit >= TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(limit.TotalSeconds));
            prefix += $"timeout -k {KillAfterSeconds} {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} ";
        }

        // The script is copied once into its quotes and once into the line.
        return string.Concat(prefix, "/bin/sh -c ", ShellQuote.Quote(script));
    }

    public static bool NeedsSudo(string user) => !string.Equals(user, "root", StringComparison.Ordinal);
}
