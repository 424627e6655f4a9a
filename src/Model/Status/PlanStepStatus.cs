using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>A pending plan step as shown in status.</summary>
public sealed record PlanStepStatus
{
    [Description("The action's name.")]
    public required string Action { get; init; }

    [Description("Hosts the step runs on.")]
    public IReadOnlyList<string> Hosts { get; init; } = [];

    [Description("Why the step is needed.")]
    public required string Reason { get; init; }
}
