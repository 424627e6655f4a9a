namespace HaKube.Model.Status;

/// <summary>Condition reasons: one UpperCamelCase word each, stable for alerts and scripts.</summary>
public static class ConditionReasons
{
    /// <summary>Ready: every condition True and nothing planned.</summary>
    public const string Converged = "Converged";

    /// <summary>Ready: steps are planned (or running).</summary>
    public const string StepsPending = "StepsPending";

    /// <summary>Ready: the planner refused work (a guard, an unreachable host).</summary>
    public const string PlanRefused = "PlanRefused";

    /// <summary>Ready: another condition is not True.</summary>
    public const string NotConverged = "NotConverged";

    /// <summary>Ready: the manifest does not validate; nothing is done.</summary>
    public const string InvalidManifest = "InvalidManifest";

    /// <summary>Ready: the last pass failed (its message says why); it is retried with backoff.</summary>
    public const string ReconcileFailed = "ReconcileFailed";

    /// <summary>Ready: the daemon stopped during a pass; the message names the step and hosts.</summary>
    public const string Interrupted = "Interrupted";

    /// <summary>Ready: the manifest was removed; HaKube no longer manages the cluster and left its hosts as they are.</summary>
    public const string ManifestDeleted = "ManifestDeleted";

    /// <summary>HostsReachable True.</summary>
    public const string AllHostsReachable = "AllHostsReachable";

    /// <summary>HostsReachable False: at least one host could not be probed.</summary>
    public const string HostsUnreachable = "HostsUnreachable";

    /// <summary>Paused True: spec.paused.</summary>
    public const string PausedBySpec = "PausedBySpec";

    /// <summary>Paused True: the daemon runs with --dry-run.</summary>
    public const string ObserveOnly = "ObserveOnly";

    /// <summary>Paused False.</summary>
    public const string Active = "Active";

    /// <summary>EtcdHealthy True.</summary>
    public const string MembersHealthy = "MembersHealthy";

    /// <summary>EtcdHealthy False: a member host reports no etcd or an unhealthy one.</summary>
    public const string MembersUnhealthy = "MembersUnhealthy";

    /// <summary>EtcdHealthy False: no member host runs etcd yet.</summary>
    public const string EtcdNotRunning = "EtcdNotRunning";

    /// <summary>ControlPlaneAvailable True.</summary>
    public const string ApiServersListening = "ApiServersListening";

    /// <summary>ControlPlaneAvailable False: some control planes are not initialized or do not listen on 6443.</summary>
    public const string ControlPlanesMissing = "ControlPlanesMissing";

    /// <summary>LoadBalancerReady True: HAProxy active on every load-balancer host.</summary>
    public const string HaproxyRunning = "HaproxyRunning";

    /// <summary>LoadBalancerReady True: the load balancer is the user's (provider External) and not checked.</summary>
    public const string ExternalLoadBalancer = "ExternalLoadBalancer";

    /// <summary>LoadBalancerReady False.</summary>
    public const string HaproxyNotRunning = "HaproxyNotRunning";

    /// <summary>CertificatesValid True.</summary>
    public const string NotExpiring = "NotExpiring";

    /// <summary>CertificatesValid False: a certificate expires within the renewal window.</summary>
    public const string ExpiringSoon = "ExpiringSoon";

    /// <summary>CertificatesValid False: a certificate has expired.</summary>
    public const string Expired = "Expired";

    /// <summary>CertificatesValid Unknown: no host has certificates yet.</summary>
    public const string NoCertificates = "NoCertificates";

    /// <summary>Any condition Unknown: no reachable host could tell.</summary>
    public const string NotObserved = "NotObserved";
}
