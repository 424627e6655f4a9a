using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

/// <summary>A kubelet that only runs static pods (kubeadm's HA etcd task): no kubeconfig, so it registers no node.</summary>
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
