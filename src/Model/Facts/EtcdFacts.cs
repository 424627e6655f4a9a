namespace HaKube.Model.Facts;

/// <summary>etcd as the member on this host reports it, read through etcd's own JSON gateway (no etcdctl on the host).</summary>
/// <param name="Healthy">The local endpoint's /health answered true (a quorum read).</param>
/// <param name="Members">The cluster's members as the local member knows them; empty when the query failed.</param>
/// <param name="Error">What the gateway (or curl) said when a query failed.</param>
public sealed record EtcdFacts(bool Healthy, IReadOnlyList<EtcdMember> Members, string? Error)
{
    /// <summary>The member's server version from /version ("3.5.16"); null when it did not answer.</summary>
    public string? Version { get; init; }

    /// <summary>Whether the cluster's data holds kube-system/kubeadm-config (see <see cref="KnownPaths.KubeadmConfigKey"/>); null when the member did not answer the range.</summary>
    public bool? KubeadmConfigStored { get; init; }
}

/// <summary>One etcd member.</summary>
/// <param name="Id">The member ID etcd assigned.</param>
/// <param name="Name">The member name (HaKube uses the host name).</param>
/// <param name="PeerUrls">peerURLs.</param>
/// <param name="ClientUrls">clientURLs; empty for a member that has not started.</param>
/// <param name="IsLearner">A non-voting learner.</param>
public sealed record EtcdMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner);
