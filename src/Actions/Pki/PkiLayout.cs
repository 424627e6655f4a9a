using HaKube.Model.Api;

namespace HaKube.Actions.Pki;

/// <summary>
/// The PKI files a host needs before kubeadm or etcd runs on it, as kubeadm's manual certificate
/// distribution has them. etcd/ca.key goes to control planes only when Stacked, where kubeadm signs
/// etcd certificates locally; external members never get a CA key. Pure.
/// </summary>
internal static class PkiLayout
{
    /// <summary>Stable order, no duplicate paths; <paramref name="externalEtcd"/> is required when External.</summary>
    public static IReadOnlyList<PkiFile> FilesFor(HaClusterSpec spec, HostSpec host, ClusterAuthorities authorities, ExternalEtcdCertificates? externalEtcd = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(authorities);
        var external = spec.Etcd.Topology == EtcdTopology.External;
        var files = new List<PkiFile>();

        if (host.Roles.Contains(HostRole.ControlPlane))
        {
            files.AddRange(ControlPlaneFiles(authorities, external ? Required(externalEtcd, host) : null));
        }

        if (external && host.Roles.Contains(HostRole.Etcd))
        {
            var etcd = Required(externalEtcd, host);
            if (!etcd.Members.TryGetValue(host.Name, out var member))
            {
                throw new ArgumentException($"no etcd member certificates were issued for host {host.Name}", nameof(externalEtcd));
            }

            files.AddRange(EtcdMemberFiles(authorities.EtcdCa, member));
        }

        // A host that is both a control plane and an etcd member needs etcd/ca.crt once.
        return files.DistinctBy(f => f.RemotePath, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<PkiFile> ControlPlaneFiles(ClusterAuthorities authorities, ExternalEtcdCertificates? externalEtcd)
    {
        yield return PkiFile.Certificate(PkiPaths.ClusterCaCertificate, authorities.ClusterCa.CertificatePem);
        yield return PkiFile.Key(PkiPaths.ClusterCaKey, authorities.ClusterCa.KeyPem);

        // kubeadm writes sa.pub with the same 0600 as a private key.
        yield return PkiFile.Key(PkiPaths.ServiceAccountPrivateKey, authorities.ServiceAccount.PrivateKeyPem);
        yield return PkiFile.Key(PkiPaths.ServiceAccountPublicKey, authorities.ServiceAccount.PublicKeyPem);
        yield return PkiFile.Certificate(PkiPaths.FrontProxyCaCertificate, authorities.FrontProxyCa.CertificatePem);
        yield return PkiFile.Key(PkiPaths.FrontProxyCaKey, authorities.FrontProxyCa.KeyPem);
        yield return PkiFile.Certificate(PkiPaths.EtcdCaCertificate, authorities.EtcdCa.CertificatePem);
        if (externalEtcd is null)
        {
            yield return PkiFile.Key(PkiPaths.EtcdCaKey, authorities.EtcdCa.KeyPem);
        }
        else
        {
            yield return PkiFile.Certificate(PkiPaths.ApiServerEtcdClientCertificate, externalEtcd.ApiServerEtcdClient.CertificatePem);
            yield return PkiFile.Key(PkiPaths.ApiServerEtcdClientKey, externalEtcd.ApiServerEtcdClient.KeyPem);
        }
    }

    private static IEnumerable<PkiFile> EtcdMemberFiles(CertificateKeyPair etcdCa, EtcdMemberCertificates member)
    {
        yield return PkiFile.Certificate(PkiPaths.EtcdCaCertificate, etcdCa.CertificatePem);
        yield return PkiFile.Certificate(PkiPaths.EtcdServerCertificate, member.Server.CertificatePem);
        yield return PkiFile.Key(PkiPaths.EtcdServerKey, member.Server.KeyPem);
        yield return PkiFile.Certificate(PkiPaths.EtcdPeerCertificate, member.Peer.CertificatePem);
        yield return PkiFile.Key(PkiPaths.EtcdPeerKey, member.Peer.KeyPem);
        yield return PkiFile.Certificate(PkiPaths.EtcdHealthcheckClientCertificate, member.HealthcheckClient.CertificatePem);
        yield return PkiFile.Key(PkiPaths.EtcdHealthcheckClientKey, member.HealthcheckClient.KeyPem);
    }

    private static ExternalEtcdCertificates Required(ExternalEtcdCertificates? externalEtcd, HostSpec host) =>
        externalEtcd ?? throw new ArgumentException($"etcd topology is External: host {host.Name} needs the external etcd certificates", nameof(externalEtcd));
}
