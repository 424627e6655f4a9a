namespace HaKube.Actions.Pki;

/// <summary>One set per member (by host name) and one apiserver-etcd-client all control planes share, as kubeadm does.</summary>
public sealed record ExternalEtcdCertificates(
    CertificateKeyPair ApiServerEtcdClient,
    IReadOnlyDictionary<string, EtcdMemberCertificates> Members);
