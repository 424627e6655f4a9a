namespace HaKube.Actions.Ssh;

/// <summary>
/// How a remote command ended. A missing exit status (the server sent none, or the command
/// died by a signal) counts as failure.
/// </summary>
/// <param name="ExitStatus">The exit status the server sent; null when it sent none.</param>
/// <param name="ExitSignal">The signal that ended the command, when the server reports one.</param>
/// <param name="StdOut">Captured stdout (UTF-8), at most the capture limit.</param>
/// <param name="StdErr">Captured stderr (UTF-8), at most the capture limit.</param>
/// <param name="Truncated">stdout or stderr was longer than the capture limit and was cut.</param>
public sealed record CommandResult(int? ExitStatus, string? ExitSignal, string StdOut, string StdErr, bool Truncated)
{
    public bool Succeeded => ExitStatus == 0;

    /// <summary>"exit 0", "exit 2", "signal KILL" or "no exit status".</summary>
    public string Outcome => ExitStatus is { } status ? $"exit {status}" : ExitSignal is { } signal ? $"signal {signal}" : "no exit status";

    /// <summary>This result, or a <see cref="RemoteCommandFailedException"/> when it did not succeed.</summary>
    public CommandResult EnsureSuccess(string host, string commandName) =>
        Succeeded ? this : throw new RemoteCommandFailedException(host, commandName, this);
}
