using System.Globalization;
using HaKube.Actions.Pki;
using HaKube.Model.Api;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Actions.Pki;

/// <summary>
/// Shared inputs of the PKI tests: a fixed clock and one set of cluster authorities, generated once
/// because RSA key generation is the slow part.
/// </summary>
internal static class TestPki
{
    /// <summary>"Now" for every certificate the tests issue; openssl verifies at this time (-attime).</summary>
    public static readonly DateTimeOffset Now = new(2031, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private static readonly Lazy<ClusterAuthorities> SharedAuthorities = new(() => new ClusterPkiIssuer(Factory()).CreateAuthorities());

    public static ClusterAuthorities Authorities => SharedAuthorities.Value;

    public static FakeTimeProvider Clock() => new(Now);

    public static CertificateFactory Factory(PkiOptions? options = null) => new(Clock(), options ?? PkiOptions.Kubeadm);

    /// <summary>A time as openssl's -attime takes it.</summary>
    public static string Epoch(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A time as `openssl x509 -dateopt iso_8601` prints it.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static HostSpec Host(string name, string address, params HostRole[] roles) => new() { Name = name, Address = address, Roles = roles };

    /// <summary>Three control planes, a worker, a load balancer and, for External, three etcd hosts.</summary>
    public static HaClusterSpec Cluster(EtcdTopology topology)
    {
        var hosts = new List<HostSpec>
        {
            Host("cp1", "10.0.0.7", HostRole.ControlPlane),
            Host("cp2", "10.0.0.8", HostRole.ControlPlane),
            Host("cp3", "10.0.0.9", HostRole.ControlPlane),
            Host("w1", "10.0.0.21", HostRole.Worker),
            Host("lb1", "10.0.0.5", HostRole.LoadBalancer),
        };
        if (topology == EtcdTopology.External)
        {
            hosts.Add(Host("etcd1", "10.0.0.11", HostRole.Etcd));
            hosts.Add(Host("etcd2", "10.0.0.12", HostRole.Etcd));
            hosts.Add(Host("etcd3", "10.0.0.13", HostRole.Etcd));
        }

        return new HaClusterSpec
        {
            KubernetesVersion = "v1.31.4",
            ControlPlaneEndpoint = new ControlPlaneEndpoint { Host = "api.demo.internal" },
            Ssh = new SshSpec(),
            Etcd = topology == EtcdTopology.External
                ? new EtcdSpec { Topology = EtcdTopology.External, Hosts = ["etcd1", "etcd2", "etcd3"] }
                : new EtcdSpec(),
            Hosts = hosts,
        };
    }
}
