namespace HaKube.Model.Planning;

/// <summary>What stands in the way of a refused step: what a person (or an alert) has to look at.</summary>
public enum RefusalCause
{
    /// <summary>The host, or one the step must see first, cannot be probed.</summary>
    HostUnreachable,

    /// <summary>spec.paused: HaKube observes and changes nothing.</summary>
    Paused,

    /// <summary>It needs another step that is refused or cannot run yet (that step's refusal says why).</summary>
    Blocked,

    /// <summary>The etcd quorum guard: the change could cost quorum, or the membership or its health is unknown or disputed.</summary>
    QuorumGuard,

    /// <summary>The control-plane endpoint does not resolve or answer, or no load balancer of the spec can serve it.</summary>
    EndpointUnavailable,

    /// <summary>
    /// Something the step relies on is down: a stopped kubelet, etcd without quorum, no reachable
    /// initialized control plane or healthy etcd member to work through, a degraded cluster.
    /// </summary>
    Degraded,

    /// <summary>It would break what runs now (the endpoint, an API server's only etcd, a second cluster, a spec host's machine).</summary>
    WouldBreakCluster,

    /// <summary>
    /// Only a person can unblock it: a state HaKube does not repair on its own (a half-done init or
    /// join, a foreign CA, etcd outside the cluster) or a spec change HaKube does not make in place.
    /// </summary>
    NeedsManualAction,

    /// <summary>Kubernetes version rules: a downgrade, a skipped minor, kubelets too old, or a join while an upgrade is under way.</summary>
    VersionSkew,

    /// <summary>HaKube's desired state lacks the files for the step (certificates, configuration), so there is nothing to write.</summary>
    MissingDesiredState,
}
