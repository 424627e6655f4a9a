using System.Net;

namespace HaKube.Actions.Pki;

/// <summary>kubeadm's profiles (certlist.go, pki_helpers.go), so HaKube's certificates are indistinguishable from its own.</summary>
internal static class KubeadmProfiles
{
    public const string ClusterCaName = "kubernetes";
    public const string FrontProxyCaName = "front-proxy-ca";
    public const string EtcdCaName = "etcd-ca";
    public const string EtcdHealthcheckClientName = "kube-etcd-healthcheck-client";
    public const string ApiServerEtcdClientName = "kube-apiserver-etcd-client";

    /// <summary>Both etcd client certificates carry it: kubeadm issues them as cluster admins.</summary>
    public const string SystemMasters = "system:masters";

    public static CertificateProfile ClusterCa { get; } = Authority(ClusterCaName);

    public static CertificateProfile FrontProxyCa { get; } = Authority(FrontProxyCaName);

    public static CertificateProfile EtcdCa { get; } = Authority(EtcdCaName);

    /// <summary>The identity liveness probes and etcdctl use.</summary>
    public static CertificateProfile EtcdHealthcheckClient { get; } = Client(EtcdHealthcheckClientName);

    public static CertificateProfile ApiServerEtcdClient { get; } = Client(ApiServerEtcdClientName);

    /// <summary>CN is the node name; kubeadm's default SANs plus <paramref name="extraSans"/>.</summary>
    public static CertificateProfile EtcdServer(string nodeName, string advertiseAddress, IEnumerable<string>? extraSans = null) =>
        EtcdMember(nodeName, advertiseAddress, extraSans);

    /// <summary>Same subject and default SANs as the server certificate.</summary>
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
