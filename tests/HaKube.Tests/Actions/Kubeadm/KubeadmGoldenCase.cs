using HaKube.Actions.Kubeadm;
using HaKube.Model.Api;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>One golden file: a cluster, a node and a kubeadm command.</summary>
internal sealed record KubeadmGoldenCase(EtcdTopology Topology, string Version, KubeadmConfigKind Kind, bool SchedulableControlPlanes = false)
{
    /// <summary>Every topology x API version x command, plus a control plane that also runs workloads.</summary>
    public static IReadOnlyList<KubeadmGoldenCase> All { get; } =
    [
        .. from topology in new[] { EtcdTopology.Stacked, EtcdTopology.External }
           from version in new[] { "v1.30.8", "v1.31.4" }
           from kind in new[] { KubeadmConfigKind.Init, KubeadmConfigKind.JoinControlPlane, KubeadmConfigKind.JoinWorker }
           select new KubeadmGoldenCase(topology, version, kind),
        new KubeadmGoldenCase(EtcdTopology.Stacked, "v1.31.4", KubeadmConfigKind.Init, SchedulableControlPlanes: true),
        new KubeadmGoldenCase(EtcdTopology.Stacked, "v1.30.8", KubeadmConfigKind.Init, SchedulableControlPlanes: true),
    ];

    /// <summary>For example <c>external-v1.31-join-control-plane.yaml</c>.</summary>
    public string FileName
    {
        get
        {
            var version = KubernetesVersion.Parse(Version).MinorTag;
            var kind = Kind switch
            {
                KubeadmConfigKind.Init => "init",
                KubeadmConfigKind.JoinControlPlane => "join-control-plane",
                _ => "join-worker",
            };
            var suffix = SchedulableControlPlanes ? "-schedulable-control-plane" : "";
            return $"{Topology.ToString().ToLowerInvariant()}-{version}-{kind}{suffix}.yaml";
        }
    }

    public KubeadmConfigFile Render()
    {
        var cluster = KubeadmTestClusters.Demo(Topology, Version, SchedulableControlPlanes);
        var token = BootstrapToken.Parse(KubeadmTestClusters.Token);
        var hash = CaCertHash.Parse(KubeadmTestClusters.CaHash);
        return Kind switch
        {
            KubeadmConfigKind.Init => KubeadmConfigRenderer.RenderInit(cluster, KubeadmTestClusters.Host(cluster, "cp1"), token),
            KubeadmConfigKind.JoinControlPlane => KubeadmConfigRenderer.RenderJoinControlPlane(cluster, KubeadmTestClusters.Host(cluster, "cp2"), token, hash),
            _ => KubeadmConfigRenderer.RenderJoinWorker(cluster, KubeadmTestClusters.Host(cluster, "w1"), token, hash),
        };
    }

    // Test explorers show this as the case name.
    public override string ToString() => FileName;
}
