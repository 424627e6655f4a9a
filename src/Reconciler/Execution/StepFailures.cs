using HaKube.Actions.Steps;

namespace HaKube.Reconciler.Execution;

/// <summary>What a plan run throws when steps fail, as the messages users read: one per failed step and host.</summary>
internal static class StepFailures
{
    /// <summary>A step failed (<see cref="StepFailedException"/>), or several did (<see cref="AggregateException"/>).</summary>
    public static bool Is(Exception e) => e is StepFailedException or AggregateException;

    public static IReadOnlyList<string> Messages(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e is AggregateException all ? [.. all.Flatten().InnerExceptions.Select(x => x.Message)] : [e.Message];
    }
}
