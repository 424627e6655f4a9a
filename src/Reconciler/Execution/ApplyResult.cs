using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>How an apply ended.</summary>
/// <param name="Converged">The last plan was empty.</param>
/// <param name="Rounds">Probe-plan-run rounds used.</param>
/// <param name="StepsRun">Steps that ran (and succeeded).</param>
/// <param name="LastPlan">The last plan made.</param>
/// <param name="Error">Why it stopped without converging: a failed step, refusals, or the round limit.</param>
public sealed record ApplyResult(bool Converged, int Rounds, int StepsRun, Plan LastPlan, string? Error)
{
    /// <summary>Where the apply's wall time went; <see cref="ApplyTiming.None"/> when not measured.</summary>
    public ApplyTiming Timing { get; init; } = ApplyTiming.None;
}

/// <summary>
/// An apply's wall time and the part of it during which some remote command was running; the rest is
/// orchestration overhead (handshakes, planning, certificate generation, waits).
/// </summary>
/// <param name="Elapsed">From the start of the first probe to the end of the last plan.</param>
/// <param name="RemoteBusy">The union of the remote commands' intervals (never more than <paramref name="Elapsed"/>).</param>
/// <param name="RemoteCommands">Remote commands run.</param>
public sealed record ApplyTiming(TimeSpan Elapsed, TimeSpan RemoteBusy, int RemoteCommands)
{
    public static ApplyTiming None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 0);

    public TimeSpan Overhead => Elapsed - RemoteBusy;

    /// <summary><see cref="Overhead"/> as a share of <see cref="Elapsed"/>, 0 to 1 (0 when nothing was measured).</summary>
    public double OverheadShare => Elapsed > TimeSpan.Zero ? Overhead / Elapsed : 0;
}
