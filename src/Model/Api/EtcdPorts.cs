namespace HaKube.Model.Api;

/// <summary>etcd's ports, as kubeadm configures them.</summary>
public static class EtcdPorts
{
    public const int Client = 2379;
    public const int Peer = 2380;
}
