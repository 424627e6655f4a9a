namespace HaKube.Actions.Pki;

/// <summary>
/// External etcd's leaf certificates: one set per member (by host name), and the
/// apiserver-etcd-client all control planes share, as kubeadm copies one pair to all of them.
/// </summary>
public sealed record ExternalEtcdCertificates(
    CertificateKeyPair ApiServerEtcdClient,
    IReadOnlyDictionary<string, EtcdMemberCertificates> Members);
