namespace HaKube.Tests.EndToEnd;

/// <summary>
/// The etcd tools tests read and check etcd with: the lab's etcd 3.5.16 (scripts/install-test-deps.sh
/// puts it in /opt/hakube-lab), the same build the lab's kubelet runs for every etcd image. Lab hosts
/// do not have etcdctl on their PATH (a kubeadm host has none); the tests call it by its full path.
/// </summary>
internal static class LabEtcd
{
    public const string Folder = "/opt/hakube-lab/etcd-3.5.16";

    public const string Etcd = Folder + "/etcd";

    public const string Etcdctl = Folder + "/etcdctl";

    public const string Etcdutl = Folder + "/etcdutl";
}
