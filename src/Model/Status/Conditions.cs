
namespace HaKube.Model.Status;

/// <summary>
/// Reading and setting conditions, in the manner of cluster-api's conditions helpers. Setting keeps a
/// condition's lastTransitionTime unless its status changes, so the time says when it last flipped.
/// </summary>
public static class Conditions
{
    public static Condition? Get(IReadOnlyList<Condition> conditions, string type) =>
        conditions.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IReadOnlyList<Condition> conditions, string type) =>
        Get(conditions, type)?.Status == ConditionStatus.True;

    /// <summary>
    /// <paramref name="conditions"/> with <paramref name="next"/> in place of the condition of its
    /// type (appended when absent). The previous lastTransitionTime is kept when the status is the same.
    /// </summary>
    public static IReadOnlyList<Condition> Set(IReadOnlyList<Condition> conditions, Condition next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var result = new List<Condition>(conditions.Count + 1);
        var replaced = false;
        foreach (var condition in conditions)
        {
            if (condition.Type != next.Type)
            {
                result.Add(condition);
                continue;
            }

            result.Add(condition.Status == next.Status ? next with { LastTransitionTime = condition.LastTransitionTime } : next);
            replaced = true;
        }

        if (!replaced)
        {
            result.Add(next);
        }

        return result;
    }

    /// <summary>Sets every condition of <paramref name="next"/> over <paramref name="previous"/>, in <paramref name="next"/>'s order.</summary>
    public static IReadOnlyList<Condition> Merge(IReadOnlyList<Condition> previous, IEnumerable<Condition> next) =>
        next.Select(c => Set(previous, c).First(x => x.Type == c.Type)).ToList();

    /// <summary>A condition stamped now; <see cref="Set"/> keeps the older time when the status did not change.</summary>
    public static Condition Make(string type, string status, string reason, string message, DateTimeOffset now, long? generation) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = now, ObservedGeneration = generation };
}
