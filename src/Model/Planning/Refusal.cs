namespace HaKube.Model.Planning;

/// <summary>Work the planner will not plan, and why: a needed host unreachable, a guard that would be broken.</summary>
/// <param name="Host">The host concerned, or null for the whole cluster.</param>
/// <param name="Step">
/// The step refused on <paramref name="Host"/>; null when the refusal is not one step's (an
/// unreachable host, a paused cluster) or concerns the whole cluster (its detail names what waits).
/// </param>
/// <param name="Cause">What stands in the way, for a person or a status consumer to act on.</param>
/// <param name="Detail">What is wrong and what would unblock it.</param>
public sealed record Refusal(string? Host, StepKind? Step, RefusalCause Cause, string Detail)
{
    /// <summary>The refusal in words without its host: "Step: detail", or the detail alone.</summary>
    public string Reason => Step is null ? Detail : $"{Step}: {Detail}";

    /// <summary>As plan, apply and status print it: "host: Step: detail".</summary>
    public override string ToString() => Host is null ? Reason : $"{Host}: {Reason}";
}
