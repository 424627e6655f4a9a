namespace HaKube.Model.Status;

/// <summary>The condition types of HaCluster status, each computed from the facts of the last probe.</summary>
public static class ConditionTypes
{
    /// <summary>Every other condition is True and the plan is empty: the hosts match the manifest.</summary>
    public const string Ready = "Ready";

    /// <summary>The last probe reached every host.</summary>
    public const string HostsReachable = "HostsReachable";

    /// <summary>spec.paused is true (or the daemon observes only): HaKube changes nothing.</summary>
    public const string Paused = "Paused";

    /// <summary>Every etcd member host reports its local member healthy.</summary>
    public const string EtcdHealthy = "EtcdHealthy";

    /// <summary>Every control plane is initialized or joined and listens on 6443.</summary>
    public const string ControlPlaneAvailable = "ControlPlaneAvailable";

    /// <summary>HAProxy runs on every load-balancer host (always True for an External load balancer, which is the user's).</summary>
    public const string LoadBalancerReady = "LoadBalancerReady";

    /// <summary>No certificate on a reachable host expires within spec.certificateRenewalDays.</summary>
    public const string CertificatesValid = "CertificatesValid";
}

/// <summary>A condition's status, as in metav1.Condition.</summary>
public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
