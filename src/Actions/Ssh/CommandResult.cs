namespace HaKube.Actions.Ssh;

/// <summary>How a remote command ended. A missing exit status (none sent, or a signal) counts as failure; output is UTF-8 up to the capture limit.</summary>
public sealed record CommandResult(int? ExitStatus, string? ExitSignal, string StdOut, string StdErr, bool Truncated)
{
    public bool Succeeded => ExitStatus == 0;

    public string Outcome => ExitStatus is { } status ? $"exit {status}" : ExitSignal is { } signal ? $"signal {signal}" : "no exit status";

    public CommandResult EnsureSuccess(string host, string commandName) =>
        Succeeded ? this : throw new RemoteCommandFailedException(host, commandName, this);
}
