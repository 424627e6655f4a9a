namespace HaKube.Model.Planning;

/// <summary>Work the planner will not plan, and why: a needed host unreachable, a guard that would be broken.</summary>
/// <param name="Host">The host concerned, or null for the whole cluster.</param>
/// <param name="Reason">What is wrong and what would unblock it.</param>
public sealed record Refusal(string? Host, string Reason)
{
    public override string ToString() => Host is null ? Reason : $"{Host}: {Reason}";
}
