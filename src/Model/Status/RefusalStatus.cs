using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>Work the planner refused, as shown in status: typed, so an alert can select on the cause.</summary>
public sealed record RefusalStatus
{
    [Description("The host concerned; absent when the refusal concerns the whole cluster.")]
    public string? Host { get; init; }

    [Description("The action refused; absent when no one step is (an unreachable host, a paused cluster).")]
    public string? Action { get; init; }

    [Description("What stands in the way: HostUnreachable, Paused, Blocked, QuorumGuard, EndpointUnavailable, Degraded, WouldBreakCluster, NeedsManualAction, VersionSkew or MissingDesiredState.")]
    public required string Cause { get; init; }

    [Description("What is wrong and what would unblock it.")]
    public required string Message { get; init; }
}
