using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>A refusal by its fields (host, step, cause), so that tests assert what was refused and why without its words.</summary>
internal static class Refused
{
    public static (string? Host, StepKind? Step, RefusalCause Cause) What(this Refusal refusal) => (refusal.Host, refusal.Step, refusal.Cause);

    public static (string? Host, StepKind? Step, RefusalCause Cause) On(string? host, StepKind? step, RefusalCause cause) => (host, step, cause);
}
