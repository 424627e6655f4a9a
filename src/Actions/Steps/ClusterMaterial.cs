using HaKube.Actions.Pki;
using HaKube.Actions.Rendering;
using HaKube.Actions.State;
using HaKube.Model.Api;

namespace HaKube.Actions.Steps;

/// <summary>The cluster's PKI as the state store holds it: the authorities and, for External etcd, the issued etcd certificates.</summary>
public sealed record ClusterMaterial(ClusterAuthorities Authorities, ExternalEtcdCertificates? ExternalEtcd)
{
    /// <summary>The mirrors' CAs and the package key the manifest names (files or Secrets), read with the SSH key.</summary>
    public ReferencedContent Referenced { get; init; } = ReferencedContent.None;

    /// <summary>
    /// Reads the material, generating the authorities and issuing etcd certificates the first time
    /// only; with <paramref name="time"/>, external-etcd certificates that expire within
    /// spec.certificateRenewalDays are reissued in the store (the planner then sees them differ on the hosts).
    /// </summary>
    public static async Task<ClusterMaterial> LoadAsync(HaClusterSpec spec, ClusterStateStore store, ClusterPkiIssuer issuer, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(issuer);
        var authorities = await store.GetOrCreateAuthoritiesAsync(issuer.CreateAuthorities, cancellationToken);
        var etcd = spec.Etcd.Topology == EtcdTopology.External
            ? await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, cancellationToken, time?.GetUtcNow().AddDays(spec.CertificateRenewalDays))
            : null;
        return new ClusterMaterial(authorities, etcd);
    }

    public override string ToString() => $"{nameof(ClusterMaterial)} {{ <redacted> }}";
}
