using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>Renders kubeadm init and join configurations. Deterministic, so the planner can compare a rendered file with the one on a host.</summary>
internal static class KubeadmConfigRenderer
{
    /// <exception cref="ArgumentException">The node is not a control plane of this cluster.</exception>
    public static KubeadmConfigFile RenderInit(HaCluster cluster, HostSpec node, BootstrapToken token)
    {
        RequireHost(cluster.Spec, node, HostRole.ControlPlane);
        var api = cluster.Spec.Version().KubeadmApi();
        return Render(KubeadmConfigKind.Init, node, api,
        [
            InitConfigurationDocument.Render(api, node, token),
            ClusterConfigurationDocument.Render(api, cluster),
            KubeletConfigurationDocument.Render(),
        ]);
    }

    /// <summary>The node must already hold the shared CAs.</summary>
    /// <exception cref="ArgumentException">The node is not a control plane of this cluster.</exception>
    public static KubeadmConfigFile RenderJoinControlPlane(HaCluster cluster, HostSpec node, BootstrapToken token, CaCertHash caCertHash)
    {
        RequireHost(cluster.Spec, node, HostRole.ControlPlane);
        var api = cluster.Spec.Version().KubeadmApi();
        return Render(KubeadmConfigKind.JoinControlPlane, node, api,
            [JoinConfigurationDocument.Render(api, cluster.Spec, node, token, caCertHash, controlPlane: true)]);
    }

    /// <exception cref="ArgumentException">The node is not a worker of this cluster, or is a control plane.</exception>
    public static KubeadmConfigFile RenderJoinWorker(HaCluster cluster, HostSpec node, BootstrapToken token, CaCertHash caCertHash)
    {
        RequireHost(cluster.Spec, node, HostRole.Worker);
        if (node.Roles.Contains(HostRole.ControlPlane))
        {
            throw new ArgumentException($"host {node.Name} is a control plane; it joins as one (and runs workloads because it is also a Worker)", nameof(node));
        }

        var api = cluster.Spec.Version().KubeadmApi();
        return Render(KubeadmConfigKind.JoinWorker, node, api,
            [JoinConfigurationDocument.Render(api, cluster.Spec, node, token, caCertHash, controlPlane: false)]);
    }

    /// <summary>No secret; <paramref name="start"/> defaults to <see cref="EtcdMemberStart.Kept"/>.</summary>
    /// <exception cref="ArgumentException">The host is not one of the cluster's external etcd hosts.</exception>
    public static string RenderEtcdMember(HaCluster cluster, HostSpec member, EtcdMemberStart? start = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        RequireHost(cluster.Spec, member, HostRole.Etcd);
        if (cluster.Spec.Etcd.Topology != EtcdTopology.External || !cluster.Spec.Etcd.Hosts.Contains(member.Name))
        {
            throw new ArgumentException($"host {member.Name} is not in spec.etcd.hosts of an External etcd", nameof(member));
        }

        var api = cluster.Spec.Version().KubeadmApi();
        string[] header = [$"kubeadm configuration of etcd member {member.Name} (kubeadm init phase etcd local), written by HaKube; local edits are reverted."];
        return YamlWriter.WriteDocuments(header, EtcdMemberConfigDocuments.Render(api, cluster, member, start ?? EtcdMemberStart.Kept(member)));
    }

    private static KubeadmConfigFile Render(KubeadmConfigKind kind, HostSpec node, KubeadmApiVersion api, IReadOnlyList<YamlMapping> documents)
    {
        string[] header =
        [
            $"kubeadm {(kind == KubeadmConfigKind.Init ? "init" : "join")} configuration for {node.Name}, rendered by HaKube.",
            "It holds a bootstrap token: keep it private (mode 0600) and delete it after use.",
        ];
        return new KubeadmConfigFile(kind, node.Name, api, YamlWriter.WriteDocuments(header, documents));
    }

    private static void RequireHost(HaClusterSpec spec, HostSpec node, HostRole role)
    {
        if (!spec.Hosts.Contains(node))
        {
            throw new ArgumentException($"host {node.Name} is not one of the cluster's hosts", nameof(node));
        }

        if (!node.Roles.Contains(role))
        {
            throw new ArgumentException($"host {node.Name} does not have role {role}", nameof(node));
        }
    }
}
