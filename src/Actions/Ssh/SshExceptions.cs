namespace HaKube.Actions.Ssh;

/// <summary>Messages name the host and what failed, never key material, stdin or full scripts.</summary>
internal abstract class SshTransportException : Exception
{
    protected SshTransportException(string host, string message, Exception? inner = null)
        : base(message, inner) => Host = host;

    /// <summary>Or the bastion's address.</summary>
    public string Host { get; }
}

/// <summary>A key neither pinned nor known; dropped during key exchange, so nothing ran.</summary>
internal sealed class HostKeyMismatchException : SshTransportException
{
    public HostKeyMismatchException(string host, string endpoint, HostKeyVerdict verdict, IReadOnlyList<string> expectedFingerprints, string presentedFingerprint, string source)
        : base(host, Describe(host, endpoint, verdict, expectedFingerprints, presentedFingerprint, source))
    {
        Endpoint = endpoint;
        Verdict = verdict;
        ExpectedFingerprints = expectedFingerprints;
        PresentedFingerprint = presentedFingerprint;
    }

    public string Endpoint { get; }

    public HostKeyVerdict Verdict { get; }

    public IReadOnlyList<string> ExpectedFingerprints { get; }

    public string PresentedFingerprint { get; }

    private static string Describe(string host, string endpoint, HostKeyVerdict verdict, IReadOnlyList<string> expected, string presented, string source) => verdict switch
    {
        HostKeyVerdict.Unknown => $"host {host} ({endpoint}): presented host key {presented}, but no {source} entry exists for it; refusing to connect",
        HostKeyVerdict.Revoked => $"host {host} ({endpoint}): presented host key {presented}, which {source} marks @revoked; refusing to connect",
        _ => $"host {host} ({endpoint}): host key mismatch: expected {string.Join(" or ", expected)} ({source}), presented {presented}; refusing to connect",
    };
}

internal sealed class HostUnreachableException(string host, string message, Exception? inner = null)
    : SshTransportException(host, message, inner);

internal sealed class SshAuthenticationFailedException(string host, string user, Exception? inner = null)
    : SshTransportException(host, $"host {host}: the server refused the private key for user \"{user}\"", inner)
{
    public string User { get; } = user;
}

/// <summary>A remote command outlived its timeout; it was sent a signal.</summary>
internal sealed class RemoteCommandTimeoutException(string host, string commandName, TimeSpan timeout)
    : SshTransportException(host, $"host {host}: {commandName} did not finish within {timeout.TotalSeconds:0.###} s and was stopped")
{
    public string CommandName { get; } = commandName;

    public TimeSpan Timeout { get; } = timeout;
}

internal sealed class RemoteCommandFailedException(string host, string commandName, CommandResult result)
    : SshTransportException(host, $"host {host}: {commandName} failed ({result.Outcome}){Excerpt(result.StdErr)}")
{
    public string CommandName { get; } = commandName;

    public CommandResult Result { get; } = result;

    // The first line of stderr says what went wrong in nearly every case; more would flood logs.
    private static string Excerpt(string stderr)
    {
        var line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return line is null ? "" : ": " + (line.Length > 200 ? line[..200] + "..." : line);
    }
}
