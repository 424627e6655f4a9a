using System.Text;
using HaKube.Actions.Pki;
using HaKube.Model.Api;

namespace HaKube.Actions.Rendering;

/// <summary>
/// The systemd unit of an external etcd member HaKube runs: the real etcd binary, client and
/// peer listeners on the host's own address only (hosts may share an address space, and a
/// member should not answer on addresses the certificates do not name), TLS with HaKube-issued
/// certificates and client-certificate authentication on both ports. What differs between the
/// first start of a member and later ones (initial cluster, new or existing) lives in an
/// environment file written once when the member is created, so this unit stays the same for
/// the life of the member and any change to it is drift.
/// </summary>
public static class EtcdUnitRenderer
{
    public const string UnitPath = HaKube.Model.Facts.KnownPaths.EtcdUnit;

    /// <summary>ETCD_INITIAL_* for the member's first start; etcd ignores them once its data folder exists.</summary>
    public const string InitialEnvironmentPath = "/etc/etcd/hakube-initial-cluster.env";

    public const string DataDirectory = "/var/lib/etcd";

    public const string Binary = "/usr/bin/etcd";

    public const int ClientPort = 2379;

    public const int PeerPort = 2380;

    public static string Render(HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var client = ClientUrl(member);
        var peer = PeerUrl(member);
        string[] flags =
        [
            "--name=" + member.Name,
            "--data-dir=" + DataDirectory,
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--cert-file=" + PkiPaths.EtcdServerCertificate,
            "--key-file=" + PkiPaths.EtcdServerKey,
            "--trusted-ca-file=" + PkiPaths.EtcdCaCertificate,
            "--client-cert-auth=true",
            "--peer-cert-file=" + PkiPaths.EtcdPeerCertificate,
            "--peer-key-file=" + PkiPaths.EtcdPeerKey,
            "--peer-trusted-ca-file=" + PkiPaths.EtcdCaCertificate,
            "--peer-client-cert-auth=true",
            "--snapshot-count=10000",
        ];
        var text = new StringBuilder();
        text.Append("# ").Append(SystemdValues.Setting($"etcd member {member.Name}, written by HaKube; local edits are reverted.")).Append('\n');
        text.Append("[Unit]\n");
        text.Append("Description=").Append(SystemdValues.Setting($"etcd member {member.Name} (HaKube, external etcd)")).Append('\n');
        text.Append("After=network-online.target\n\n");
        text.Append("[Service]\n");
        text.Append("Type=notify\n");
        text.Append("EnvironmentFile=-").Append(InitialEnvironmentPath).Append('\n');
        text.Append("ExecStart=").Append(Binary);
        foreach (var flag in flags)
        {
            text.Append(" \\\n  ").Append(SystemdValues.Argument(flag));
        }

        text.Append('\n');
        text.Append("Restart=always\n");
        text.Append("RestartSec=2\n");
        text.Append("LimitNOFILE=65536\n\n");
        text.Append("[Install]\n");
        text.Append("WantedBy=multi-user.target\n");
        return text.ToString();
    }

    /// <summary>The environment file for a member's first start.</summary>
    /// <param name="clusterName">Becomes the initial cluster token, so members of two clusters never join each other by mistake.</param>
    /// <param name="initialCluster">name=peerURL of every member the new member should know, itself included.</param>
    /// <param name="existing">false for the first member (a new cluster), true for members added later.</param>
    public static string RenderInitialEnvironment(string clusterName, IEnumerable<KeyValuePair<string, string>> initialCluster, bool existing)
    {
        ArgumentNullException.ThrowIfNull(initialCluster);
        var cluster = string.Join(',', initialCluster.Select(m => $"{m.Key}={m.Value}"));
        return $"""
            # Written by HaKube when this etcd member was created; etcd reads it only on its first start.
            ETCD_INITIAL_CLUSTER={SystemdValues.EnvironmentValue(cluster)}
            ETCD_INITIAL_CLUSTER_STATE={(existing ? "existing" : "new")}
            ETCD_INITIAL_CLUSTER_TOKEN={SystemdValues.EnvironmentValue(clusterName)}

            """;
    }

    public static string ClientUrl(HostSpec member) => Url(member, ClientPort);

    /// <summary>
    /// The client URLs of the cluster's etcd members in spec order: kubeadm's etcd.external.endpoints,
    /// and the kube-apiserver --etcd-servers kubeadm writes from it (UpdateEtcdServers keeps running
    /// control planes in line when spec.etcd.hosts change).
    /// </summary>
    public static IReadOnlyList<string> ClientUrls(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.EtcdMembers().Select(ClientUrl).ToList();
    }

    public static string PeerUrl(HostSpec member) => Url(member, PeerPort);

    private static string Url(HostSpec member, int port)
    {
        ArgumentNullException.ThrowIfNull(member);
        return UrlHost.Https(member.Address, port);
    }
}
