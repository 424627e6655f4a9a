using HaKube.Actions.Kubeadm;

namespace HaKube.Tests.Actions.Kubeadm;

public sealed class ExternalEtcdEndpointsEditTests
{
    // As kubeadm v1.31 stores it in kube-system/kubeadm-config after an upgrade (kubernetesVersion rewritten).
    private const string Stored = """
        apiServer:
          certSANs:
          - api.demo.internal
        apiVersion: kubeadm.k8s.io/v1beta4
        caCertificateValidityPeriod: 87600h0m0s
        certificateValidityPeriod: 8760h0m0s
        certificatesDir: /etc/kubernetes/pki
        clusterName: demo
        controlPlaneEndpoint: api.demo.internal:6443
        controllerManager: {}
        dns: {}
        encryptionAlgorithm: RSA-2048
        etcd:
          external:
            caFile: /etc/kubernetes/pki/etcd/ca.crt
            certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt
            endpoints:
            - https://10.0.0.21:2379
            - https://10.0.0.22:2379
            - https://10.0.0.23:2379
            keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key
        imageRepository: registry.k8s.io
        kind: ClusterConfiguration
        kubernetesVersion: v1.32.1
        networking:
          dnsDomain: cluster.local
          podSubnet: 192.168.0.0/16
          serviceSubnet: 10.96.0.0/12
        proxy: {}
        scheduler: {}

        """;

    [Test]
    public void Read_StoredConfiguration_ListsTheEndpointsInOrder()
    {
        Assert.That(ExternalEtcdEndpointsEdit.Read(Stored), Is.EqualTo(new[] { "https://10.0.0.21:2379", "https://10.0.0.22:2379", "https://10.0.0.23:2379" }));
    }

    [Test]
    public void Replace_NewEndpoints_OnlyTheListChanges()
    {
        string[] endpoints = ["https://10.0.0.21:2379", "https://10.0.0.22:2379", "https://[fd00::24]:2379"];

        var edited = ExternalEtcdEndpointsEdit.Replace(Stored, endpoints);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalEtcdEndpointsEdit.Read(edited), Is.EqualTo(endpoints));
            Assert.That(edited, Does.Contain("kubernetesVersion: v1.32.1").And.Contain("keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key").And.Contain("controllerManager: {}"));
            Assert.That(edited, Does.Not.Contain("10.0.0.23").And.Not.EndWith("...\n"));
            Assert.That(Lines(edited).Except(Lines(Stored)), Is.EqualTo(new[] { "    - https://[fd00::24]:2379" }));
        });
    }

    [Test]
    public void Replace_Twice_SameText()
    {
        string[] endpoints = ["https://10.0.0.24:2379"];
        var once = ExternalEtcdEndpointsEdit.Replace(Stored, endpoints);

        Assert.That(ExternalEtcdEndpointsEdit.Replace(once, endpoints), Is.EqualTo(once));
    }

    [Test]
    public void Replace_StackedEtcd_SaysTheClusterIsNotExternal()
    {
        const string stacked = "etcd:\n  local:\n    dataDir: /var/lib/etcd\nkind: ClusterConfiguration\n";

        Assert.Multiple(() =>
        {
            Assert.That(ExternalEtcdEndpointsEdit.Read(stacked), Is.Null);
            Assert.That(() => ExternalEtcdEndpointsEdit.Replace(stacked, ["https://10.0.0.21:2379"]), Throws.TypeOf<FormatException>().With.Message.Contain("no etcd.external section"));
        });
    }

    [TestCase("")]
    [TestCase("- a list\n")]
    [TestCase("etcd: [unclosed\n")]
    public void Read_NotAMapping_FormatException(string text)
    {
        Assert.That(() => ExternalEtcdEndpointsEdit.Read(text), Throws.TypeOf<FormatException>());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
