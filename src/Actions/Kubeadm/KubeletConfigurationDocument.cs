namespace HaKube.Actions.Kubeadm;

/// <summary>
/// KubeletConfiguration, given to <c>kubeadm init</c> and stored cluster-wide (kube-system/kubelet-config),
/// so every node's kubelet gets it. Per-node settings go through nodeRegistration.kubeletExtraArgs instead.
/// </summary>
internal static class KubeletConfigurationDocument
{
    // systemd is kubeadm's default already; written out because containerd is configured with
    // SystemdCgroup = true and the two must agree, whatever a future default becomes.
    public static YamlMapping Render() => Yaml.Map(
        ("apiVersion", Yaml.Str("kubelet.config.k8s.io/v1beta1")),
        ("kind", Yaml.Str("KubeletConfiguration")),
        ("cgroupDriver", Yaml.Str(KubeadmDefaults.KubeletCgroupDriver)));
}
