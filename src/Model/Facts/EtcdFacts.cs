namespace HaKube.Model.Facts;

/// <summary>
/// etcd as the local member reports it through its JSON gateway (no etcdctl on the host). Healthy is
/// /health's quorum read; Members is empty and Error set when a query failed.
/// </summary>
public sealed record EtcdFacts(bool Healthy, IReadOnlyList<EtcdMember> Members, string? Error)
{
    /// <summary>Server version from /version; null when it did not answer.</summary>
    public string? Version { get; init; }

    /// <summary>Whether <see cref="KnownPaths.KubeadmConfigKey"/> exists; null when the range was not answered.</summary>
    public bool? KubeadmConfigStored { get; init; }
}

/// <summary>One etcd member; HaKube names members after their hosts, and a member not yet started has no client URLs.</summary>
public sealed record EtcdMember(ulong Id, string Name, IReadOnlyList<string> PeerUrls, IReadOnlyList<string> ClientUrls, bool IsLearner);
