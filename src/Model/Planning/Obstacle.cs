namespace HaKube.Model.Planning;

/// <summary>One thing that stands in a step's way, of those a refusal lists; the first one gives the refusal its cause.</summary>
internal sealed record Obstacle(RefusalCause Cause, string Text)
{
    public static string Join(IEnumerable<Obstacle> obstacles) => string.Join("; ", obstacles.Select(o => o.Text));
}
