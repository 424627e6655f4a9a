using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Actions.State;
using HaKube.Model.Api;

namespace HaKube.Actions.Steps;

/// <summary>The cluster's PKI as the state store holds it.</summary>
public sealed record ClusterMaterial(ClusterAuthorities Authorities, ExternalEtcdCertificates? ExternalEtcd)
{
    /// <summary>Mirror CAs and package key (files or Secrets), read with the SSH key.</summary>
    public ReferencedContent Referenced { get; init; } = ReferencedContent.None;

    /// <summary>
    /// Loaded by a pass that may not write: what it had to make (authorities, external-etcd
    /// certificates) was made in memory with preview keys (see PkiOptions.Preview) and is not stored,
    /// so no step may run with it, even where its authorities came from the store.
    /// </summary>
    public bool Preview { get; init; }

    /// <summary>
    /// Generates authorities and etcd certificates the first time only; with <paramref name="time"/>,
    /// external-etcd certificates due for renewal are reissued in the store, and the planner then sees
    /// them differ on the hosts. <paramref name="stored"/>: the store's authorities as the caller just
    /// read them (they are written once, never replaced), so they are not read again.
    /// </summary>
    public static async Task<ClusterMaterial> LoadAsync(HaClusterSpec spec, ClusterStateStore store, ClusterPkiIssuer issuer, CancellationToken cancellationToken,
        TimeProvider? time = null, ClusterAuthorities? stored = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(issuer);
        var authorities = stored ?? await store.GetOrCreateAuthoritiesAsync(issuer.CreateAuthorities, cancellationToken);
        var etcd = spec.Etcd.Topology == EtcdTopology.External
            ? await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, cancellationToken, time?.GetUtcNow().AddDays(spec.CertificateRenewalDays))
            : null;
        return new ClusterMaterial(authorities, etcd);
    }

    public override string ToString() => $"{nameof(ClusterMaterial)} {{ <redacted> }}";
}
