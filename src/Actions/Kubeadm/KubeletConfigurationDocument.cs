namespace HaKube.Actions.Kubeadm;

/// <summary>Stored cluster-wide (kube-system/kubelet-config), so every kubelet gets it; per-node settings go through kubeletExtraArgs instead.</summary>
internal static class KubeletConfigurationDocument
{
    // systemd is kubeadm's default already; written out because containerd is configured with
    // SystemdCgroup = true and the two must agree, whatever a future default becomes.
    public static YamlMapping Render() => Yaml.Map(
        ("apiVersion", Yaml.Str("kubelet.config.k8s.io/v1beta1")),
        ("kind", Yaml.Str("KubeletConfiguration")),
        ("cgroupDriver", Yaml.Str(KubeadmDefaults.KubeletCgroupDriver)));
}
