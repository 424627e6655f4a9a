using Microsoft.Extensions.Logging;

namespace HaKube.Actions.Steps;

/// <summary>Log lines of the removal steps; never keys.</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(6101, LogLevel.Warning, "{Host}: the drain did not finish within {TimeoutSeconds:0} s ({Detail}); the removal goes on, as with Cluster API's nodeDrainTimeout")]
    public static partial void DrainTimedOut(ILogger logger, string host, double timeoutSeconds, string detail);

    [LoggerMessage(6102, LogLevel.Warning, "{Host}: unreachable in the last probe; kubeadm reset is skipped there (the host is gone)")]
    public static partial void ResetSkipped(ILogger logger, string host);

    [LoggerMessage(6105, LogLevel.Warning, "{Host}: unreachable in the last probe; HAProxy is not stopped there (the host is gone)")]
    public static partial void LoadBalancerStopSkipped(ILogger logger, string host);

    [LoggerMessage(6103, LogLevel.Information, "{Host}: removed from the cluster and forgotten by the inventory")]
    public static partial void Forgotten(ILogger logger, string host);

    [LoggerMessage(6104, LogLevel.Information, "etcd member {Member} removed through {Through}")]
    public static partial void MemberRemoved(ILogger logger, string member, string through);

    [LoggerMessage(6106, LogLevel.Information, "{Host}: its old role {Role} is cleaned up; it stays in the spec with its new roles")]
    public static partial void RoleRetired(ILogger logger, string host, string role);
}
