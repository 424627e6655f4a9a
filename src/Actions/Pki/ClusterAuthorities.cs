namespace HaKube.Actions.Pki;

/// <summary>
/// Everything a cluster's trust rests on, generated once by HaKube and kept in its state store, so a lost
/// first control plane loses nothing. ToString is safe: each member redacts its own key.
/// </summary>
/// <param name="ClusterCa">ca.crt / ca.key (CN kubernetes).</param>
/// <param name="FrontProxyCa">front-proxy-ca.crt / front-proxy-ca.key.</param>
/// <param name="EtcdCa">etcd/ca.crt / etcd/ca.key (CN etcd-ca).</param>
/// <param name="ServiceAccount">sa.key / sa.pub.</param>
public sealed record ClusterAuthorities(
    CertificateKeyPair ClusterCa,
    CertificateKeyPair FrontProxyCa,
    CertificateKeyPair EtcdCa,
    ServiceAccountKeyPair ServiceAccount);
