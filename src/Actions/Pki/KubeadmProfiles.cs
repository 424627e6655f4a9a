using System.Net;

namespace HaKube.Actions.Pki;

/// <summary>
/// The certificate profiles kubeadm generates (its certlist.go and pki_helpers.go), so certificates
/// issued by HaKube are indistinguishable from kubeadm's to every component that checks them.
/// </summary>
public static class KubeadmProfiles
{
    public const string ClusterCaName = "kubernetes";
    public const string FrontProxyCaName = "front-proxy-ca";
    public const string EtcdCaName = "etcd-ca";
    public const string EtcdHealthcheckClientName = "kube-etcd-healthcheck-client";
    public const string ApiServerEtcdClientName = "kube-apiserver-etcd-client";

    /// <summary>The group both etcd client certificates carry: kubeadm issues them as cluster admins.</summary>
    public const string SystemMasters = "system:masters";

    /// <summary>The cluster CA (ca.crt): signs the API server, kubelet and admin certificates.</summary>
    public static CertificateProfile ClusterCa { get; } = Authority(ClusterCaName);

    /// <summary>The front-proxy CA (front-proxy-ca.crt): signs the aggregation-layer client.</summary>
    public static CertificateProfile FrontProxyCa { get; } = Authority(FrontProxyCaName);

    /// <summary>The etcd CA (etcd/ca.crt): signs etcd's server, peer and client certificates.</summary>
    public static CertificateProfile EtcdCa { get; } = Authority(EtcdCaName);

    /// <summary>etcd/healthcheck-client: the identity liveness probes and etcdctl use.</summary>
    public static CertificateProfile EtcdHealthcheckClient { get; } = Client(EtcdHealthcheckClientName);

    /// <summary>apiserver-etcd-client: the identity kube-apiserver uses towards etcd.</summary>
    public static CertificateProfile ApiServerEtcdClient { get; } = Client(ApiServerEtcdClientName);

    /// <summary>etcd/server for one member: CN is the node name; kubeadm's default SANs plus <paramref name="extraSans"/>.</summary>
    public static CertificateProfile EtcdServer(string nodeName, string advertiseAddress, IEnumerable<string>? extraSans = null) =>
        EtcdMember(nodeName, advertiseAddress, extraSans);

    /// <summary>etcd/peer for one member: same subject and default SANs as the server certificate.</summary>
    public static CertificateProfile EtcdPeer(string nodeName, string advertiseAddress, IEnumerable<string>? extraSans = null) =>
        EtcdMember(nodeName, advertiseAddress, extraSans);

    // kubeadm gives its CAs the CN as a DNS SAN too, and no extended key usage.
    private static CertificateProfile Authority(string commonName) => new()
    {
        CommonName = commonName,
        DnsNames = [commonName],
        IsAuthority = true,
    };

    private static CertificateProfile Client(string commonName) => new()
    {
        CommonName = commonName,
        Organizations = [SystemMasters],
        Purposes = [KeyPurpose.ClientAuth],
    };

    // Server and peer certificates are both used in either direction (members dial each other and
    // etcdctl may present them), hence serverAuth and clientAuth on both.
    private static CertificateProfile EtcdMember(string nodeName, string advertiseAddress, IEnumerable<string>? extraSans)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ArgumentException.ThrowIfNullOrWhiteSpace(advertiseAddress);
        var names = new[] { nodeName, "localhost", advertiseAddress, IPAddress.Loopback.ToString(), IPAddress.IPv6Loopback.ToString() }
            .Concat(extraSans ?? []);
        var (dns, ips) = SplitNames(names);
        return new CertificateProfile
        {
            CommonName = nodeName,
            DnsNames = dns,
            IpAddresses = ips,
            Purposes = [KeyPurpose.ServerAuth, KeyPurpose.ClientAuth],
        };
    }

    // A SAN is an IP entry when it parses as an address and a DNS entry otherwise, as kubeadm sorts
    // serverCertSANs; duplicates are dropped, first occurrence wins, so the order stays kubeadm's.
    private static (IReadOnlyList<string> Dns, IReadOnlyList<IPAddress> Ips) SplitNames(IEnumerable<string> names)
    {
        var dns = new List<string>();
        var ips = new List<IPAddress>();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                if (!ips.Contains(ip))
                {
                    ips.Add(ip);
                }
            }
            else if (!dns.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                dns.Add(name);
            }
        }

        return (dns, ips);
    }
}
