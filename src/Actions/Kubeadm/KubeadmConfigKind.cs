namespace HaKube.Actions.Kubeadm;

/// <summary>Which kubeadm command a rendered configuration is for.</summary>
public enum KubeadmConfigKind
{
    /// <summary><c>kubeadm init --config</c> on the first control plane: Init, Cluster and Kubelet configurations.</summary>
    Init,

    /// <summary><c>kubeadm join --config</c> of another control plane.</summary>
    JoinControlPlane,

    /// <summary><c>kubeadm join --config</c> of a worker.</summary>
    JoinWorker,
}
