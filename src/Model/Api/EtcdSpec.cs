using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record EtcdSpec
{
    [Description("Stacked: one etcd member per control plane, run by kubeadm. External: dedicated hosts, run by HaKube.")]
    public EtcdTopology Topology { get; init; } = EtcdTopology.Stacked;

    [Description("External only: names of hosts with role Etcd; an odd count.")]
    [RegularExpression(ApiPatterns.Name)]
    [StringLength(253, MinimumLength = 1)]
    public IReadOnlyList<string> Hosts { get; init; } = [];

    [Description("Scheduled snapshots into the state store (hakube run); none when absent. hakube etcd snapshot takes one on demand either way.")]
    public EtcdSnapshotsSpec? Snapshots { get; init; }
}

public enum EtcdTopology
{
    /// <summary>Members on the control-plane hosts, managed by kubeadm.</summary>
    Stacked,

    /// <summary>Members on dedicated hosts, as kubeadm static pods HaKube sets up.</summary>
    External,
}
