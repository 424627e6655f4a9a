using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

/// <summary>
/// What an external etcd host runs its member from, besides certificates and the member's kubeadm
/// configuration: the kubelet as a manager of static pods only, as the kubeadm task "Set up a High
/// Availability etcd cluster with kubeadm" sets it up. A systemd drop-in overrides the kubeadm
/// package's ExecStart with a kubelet that reads only its KubeletConfiguration: no kubeconfig and no
/// bootstrap kubeconfig, so it registers no node and runs the manifests in /etc/kubernetes/manifests.
/// </summary>
public static class EtcdMemberFiles
{
    public const string DataDirectory = KnownPaths.EtcdDataDirectory;

    public const string KubeletDropIn = """
        # The kubelet of an external etcd host, written by HaKube: static pods only (kubeadm's HA etcd task).
        [Service]
        Environment="KUBELET_CONFIG_ARGS=--config=/etc/kubernetes/hakube/etcd-kubelet.yaml"
        ExecStart=
        ExecStart=/usr/bin/kubelet $KUBELET_CONFIG_ARGS
        Restart=always

        """;

    // Webhook authentication and authorization need an API server, which an etcd host has none of;
    // the kubelet listens on loopback only. cgroupDriver matches containerd's SystemdCgroup.
    public const string KubeletConfig = """
        # KubeletConfiguration of an external etcd host, written by HaKube (kubeadm's HA etcd task).
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        authentication:
          anonymous:
            enabled: false
          webhook:
            enabled: false
        authorization:
          mode: AlwaysAllow
        cgroupDriver: systemd
        address: 127.0.0.1
        containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock
        staticPodPath: /etc/kubernetes/manifests

        """;
}
