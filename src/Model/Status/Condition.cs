using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>A condition in the shape of metav1.Condition.</summary>
public sealed record Condition
{
    [Description("Condition type, UpperCamelCase.")]
    public required string Type { get; init; }

    [Description("True, False or Unknown.")]
    public required string Status { get; init; }

    [Description("One-word UpperCamelCase reason.")]
    public required string Reason { get; init; }

    [Description("What a person needs to know.")]
    public string Message { get; init; } = "";

    [Description("When status last changed.")]
    public required DateTimeOffset LastTransitionTime { get; init; }

    [Description("The metadata.generation the condition was computed for.")]
    public long? ObservedGeneration { get; init; }
}
