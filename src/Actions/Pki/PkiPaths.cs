namespace HaKube.Actions.Pki;

/// <summary>kubeadm's certificatesDir default and the names in it.</summary>
public static class PkiPaths
{
    public const string Directory = HaKube.Model.Facts.KnownPaths.Pki;
    public const string EtcdDirectory = Directory + "/etcd";

    public const string ClusterCaCertificate = Directory + "/ca.crt";
    public const string ClusterCaKey = Directory + "/ca.key";
    public const string ServiceAccountPrivateKey = Directory + "/sa.key";
    public const string ServiceAccountPublicKey = Directory + "/sa.pub";
    public const string FrontProxyCaCertificate = Directory + "/front-proxy-ca.crt";
    public const string FrontProxyCaKey = Directory + "/front-proxy-ca.key";
    public const string ApiServerEtcdClientCertificate = Directory + "/apiserver-etcd-client.crt";
    public const string ApiServerEtcdClientKey = Directory + "/apiserver-etcd-client.key";

    public const string EtcdCaCertificate = EtcdDirectory + "/ca.crt";
    public const string EtcdCaKey = EtcdDirectory + "/ca.key";
    public const string EtcdServerCertificate = EtcdDirectory + "/server.crt";
    public const string EtcdServerKey = EtcdDirectory + "/server.key";
    public const string EtcdPeerCertificate = EtcdDirectory + "/peer.crt";
    public const string EtcdPeerKey = EtcdDirectory + "/peer.key";
    public const string EtcdHealthcheckClientCertificate = EtcdDirectory + "/healthcheck-client.crt";
    public const string EtcdHealthcheckClientKey = EtcdDirectory + "/healthcheck-client.key";
}
