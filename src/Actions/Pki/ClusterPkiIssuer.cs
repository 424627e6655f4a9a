using HaKube.Model.Api;

namespace HaKube.Actions.Pki;

/// <summary>HaKube signs only the authorities and external etcd's certificates; kubeadm makes the rest from the pushed CAs.</summary>
public sealed class ClusterPkiIssuer(CertificateFactory factory)
{
    public ClusterAuthorities CreateAuthorities() => new(
        factory.CreateAuthority(KubeadmProfiles.ClusterCa),
        factory.CreateAuthority(KubeadmProfiles.FrontProxyCa),
        factory.CreateAuthority(KubeadmProfiles.EtcdCa),
        factory.CreateServiceAccountKeyPair());

    public EtcdMemberCertificates IssueEtcdMember(CertificateKeyPair etcdCa, HostSpec host)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var authority = CertificateAuthority.Load(etcdCa);
        return IssueEtcdMember(authority, host);
    }

    /// <summary>The one pair every control plane presents to external etcd.</summary>
    public CertificateKeyPair IssueApiServerEtcdClient(CertificateKeyPair etcdCa) =>
        factory.Issue(etcdCa, KubeadmProfiles.ApiServerEtcdClient);

    public ExternalEtcdCertificates IssueExternalEtcd(HaClusterSpec spec, CertificateKeyPair etcdCa)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Etcd.Topology != EtcdTopology.External)
        {
            throw new ArgumentException("etcd topology is Stacked: kubeadm issues the etcd certificates", nameof(spec));
        }

        using var authority = CertificateAuthority.Load(etcdCa);
        var members = spec.EtcdMembers().ToDictionary(h => h.Name, h => IssueEtcdMember(authority, h), StringComparer.Ordinal);
        return new ExternalEtcdCertificates(factory.Issue(authority, KubeadmProfiles.ApiServerEtcdClient), members);
    }

    private EtcdMemberCertificates IssueEtcdMember(CertificateAuthority etcdCa, HostSpec host) => new(
        factory.Issue(etcdCa, KubeadmProfiles.EtcdServer(host.Name, host.Address)),
        factory.Issue(etcdCa, KubeadmProfiles.EtcdPeer(host.Name, host.Address)),
        factory.Issue(etcdCa, KubeadmProfiles.EtcdHealthcheckClient));
}
