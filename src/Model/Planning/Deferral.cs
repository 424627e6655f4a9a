namespace HaKube.Model.Planning;

/// <summary>
/// Work that is needed and safe but waits for a step of this plan to finish; unlike a
/// <see cref="Refusal"/>, nothing needs a person: the next cycle plans it.
/// </summary>
/// <param name="Host">The host the waiting step would run on.</param>
/// <param name="Kind">The waiting step.</param>
/// <param name="Reason">What it waits for.</param>
public sealed record Deferral(string Host, StepKind Kind, string Reason)
{
    public override string ToString() => $"{Kind} [{Host}]: {Reason}";
}
