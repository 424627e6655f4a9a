using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>The kubeadm configuration API versions HaKube writes.</summary>
public enum KubeadmApiVersion
{
    /// <summary><c>kubeadm.k8s.io/v1beta3</c>: the newest kubeadm 1.30 understands. Extra arguments are maps.</summary>
    V1Beta3,

    /// <summary><c>kubeadm.k8s.io/v1beta4</c>: kubeadm 1.31 and newer. Extra arguments are lists of name/value pairs; waits live under <c>timeouts</c>.</summary>
    V1Beta4,
}

/// <summary>Which kubeadm API a Kubernetes release gets, and its apiVersion string.</summary>
public static class KubeadmApiVersionExtensions
{
    /// <summary>v1beta4 from 1.31 on (it was enabled there); v1beta3 for 1.30.</summary>
    public static KubeadmApiVersion KubeadmApi(this KubernetesVersion version) =>
        version.UsesKubeadmV1Beta4 ? KubeadmApiVersion.V1Beta4 : KubeadmApiVersion.V1Beta3;

    /// <summary>The <c>apiVersion</c> of InitConfiguration, ClusterConfiguration and JoinConfiguration documents.</summary>
    public static string GroupVersion(this KubeadmApiVersion version) => version switch
    {
        KubeadmApiVersion.V1Beta3 => "kubeadm.k8s.io/v1beta3",
        KubeadmApiVersion.V1Beta4 => "kubeadm.k8s.io/v1beta4",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "unknown kubeadm API version"),
    };
}
