using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

public enum KubeadmApiVersion
{
    /// <summary>The newest kubeadm 1.30 understands; extra arguments are maps.</summary>
    V1Beta3,

    /// <summary>kubeadm 1.31 and newer; extra arguments are name/value lists, waits live under <c>timeouts</c>.</summary>
    V1Beta4,
}

public static class KubeadmApiVersionExtensions
{
    /// <summary>v1beta4 from 1.31, where it was enabled.</summary>
    public static KubeadmApiVersion KubeadmApi(this KubernetesVersion version) =>
        version.UsesKubeadmV1Beta4 ? KubeadmApiVersion.V1Beta4 : KubeadmApiVersion.V1Beta3;

    public static string GroupVersion(this KubeadmApiVersion version) => version switch
    {
        KubeadmApiVersion.V1Beta3 => "kubeadm.k8s.io/v1beta3",
        KubeadmApiVersion.V1Beta4 => "kubeadm.k8s.io/v1beta4",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "unknown kubeadm API version"),
    };
}
