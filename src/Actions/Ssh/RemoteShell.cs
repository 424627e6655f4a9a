namespace HaKube.Actions.Ssh;

/// <summary>
/// Turns a POSIX sh script into the one command line sent in an SSH exec request.
/// The script always runs under /bin/sh (the login shell may be anything); for a user other
/// than root it runs through <c>sudo -n</c>, which fails at once instead of prompting.
/// The script travels as one single-quoted argument, so nothing in it is interpreted by the
/// login shell or by sudo, and it leaves stdin free for data.
/// </summary>
public static class RemoteShell
{
    /// <summary>Linux refuses a single exec argument above 128 KiB (MAX_ARG_STRLEN); stay well under.</summary>
    public const int MaxScriptLength = 100 * 1024;

    public static string CommandLine(string script, bool useSudo)
    {
        ArgumentException.ThrowIfNullOrEmpty(script);
        if (script.Length > MaxScriptLength)
        {
            throw new ArgumentException($"a remote script is limited to {MaxScriptLength} characters; send data on stdin", nameof(script));
        }

        var shell = "/bin/sh -c " + ShellQuote.Quote(script);
        // exec: the login shell is replaced instead of waiting as an extra process.
        return useSudo ? "exec sudo -n " + shell : "exec " + shell;
    }

    /// <summary>Root logs in as root; everyone else needs sudo.</summary>
    public static bool NeedsSudo(string user) => !string.Equals(user, "root", StringComparison.Ordinal);
}
