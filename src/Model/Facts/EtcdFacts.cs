namespace HaKube.Model.Facts;

/// <summary>etcd as the member on this host reports it.</summary>
/// <param name="Healthy">The local endpoint answered a quorum read (etcdctl endpoint health).</param>
/// <param name="Members">The cluster's members as the local member knows them; empty when the query failed.</param>
/// <param name="Error">What etcdctl said when a query failed.</param>
public sealed record EtcdFacts(bool Healthy, IReadOnlyList<EtcdMember> Members, string? Error);

/// <summary>One etcd member.</summary>
/// <param name="Id">The member ID etcd assigned.</param>
/// <param name="Name">The member name (HaKube uses the host name).</param>
/// <param name="PeerUrls">peerURLs.</param>
/// <param name="ClientUrls">clientURLs; empty for a member that has not started.</param>
/// <param name="IsLearner">A non-voting learner.</param>
public sealed record EtcdMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner);
