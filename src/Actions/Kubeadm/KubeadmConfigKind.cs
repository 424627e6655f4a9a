namespace HaKube.Actions.Kubeadm;

/// <summary>Which kubeadm command a rendered configuration is for.</summary>
internal enum KubeadmConfigKind
{
    Init,

    JoinControlPlane,

    JoinWorker,
}
