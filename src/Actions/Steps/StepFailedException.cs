using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>A step failed on a host: enough to act on without logging in, and never a secret (stderr is scrubbed before it gets here).</summary>
public sealed class StepFailedException : Exception
{
    public StepFailedException(string host, StepKind step, string purpose, string outcome, IReadOnlyList<string> stderrTail, Exception? inner = null)
        : base(Describe(host, step, purpose, outcome, stderrTail), inner)
    {
        Host = host;
        Step = step;
        Purpose = purpose;
        Outcome = outcome;
        StdErrTail = stderrTail;
    }

    public string Host { get; }

    public StepKind Step { get; }

    /// <summary>"join the control plane with kubeadm join".</summary>
    public string Purpose { get; }

    /// <summary>"exit 1", "signal KILL", "timed out after 300 s", "host unreachable".</summary>
    public string Outcome { get; }

    public IReadOnlyList<string> StdErrTail { get; }

    private static string Describe(string host, StepKind step, string purpose, string outcome, IReadOnlyList<string> tail)
    {
        var text = $"host {host}: step {step} failed to {purpose} ({outcome})";
        return tail.Count == 0 ? text + "; it printed nothing on stderr" : text + "; last lines of stderr:\n  " + string.Join("\n  ", tail);
    }
}
