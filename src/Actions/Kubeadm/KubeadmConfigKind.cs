namespace HaKube.Actions.Kubeadm;

/// <summary>Which kubeadm command a rendered configuration is for.</summary>
public enum KubeadmConfigKind
{
    Init,

    JoinControlPlane,

    JoinWorker,
}
