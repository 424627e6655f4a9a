using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>What HaKube last observed and did, written to the status subresource or a status file.</summary>
public sealed record HaClusterStatus
{
    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; init; }

    [Description("Pending, Converging, Ready, Degraded, Paused or Failed.")]
    public ClusterPhase? Phase { get; init; }

    [Description("Hosts reachable and converged, out of all hosts, as \"7/9\".")]
    public string? ReadyHosts { get; init; }

    [Description("Ready, ControlPlaneAvailable, EtcdHealthy, LoadBalancerReady, CertificatesValid, HostsReachable, Paused.")]
    public IReadOnlyList<Condition> Conditions { get; init; } = [];

    [Description("What HaKube observed on each host.")]
    public IReadOnlyList<HostStatus> Hosts { get; init; } = [];

    [Description("The steps still pending, each with its reason.")]
    public IReadOnlyList<PlanStepStatus> Plan { get; init; } = [];

    [Description("Work HaKube will not do now, each with its cause and what would unblock it.")]
    public IReadOnlyList<RefusalStatus> Refusals { get; init; } = [];

    [Description("Nodes the cluster's API server lists that match no spec host and were never set up by HaKube: someone joined them by hand or with another tool. " +
        "Reported only; HaKube never deletes them.")]
    public IReadOnlyList<string>? UnmanagedNodes { get; init; }

    [Description("The newest etcd snapshot in the state store, when spec.etcd.snapshots is set and one exists.")]
    public EtcdSnapshotInfo? LastEtcdSnapshot { get; init; }
}

/// <summary>The cluster's phase, a summary of its conditions.</summary>
public enum ClusterPhase
{
    Pending,
    Converging,
    Ready,
    Degraded,
    Paused,
    Failed,
}
