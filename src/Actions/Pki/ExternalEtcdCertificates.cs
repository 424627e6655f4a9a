namespace HaKube.Actions.Pki;

/// <summary>
/// The leaf certificates HaKube issues for an External etcd topology: one set per member, and the
/// apiserver-etcd-client every control plane shares (kubeadm copies one such pair to all of them).
/// </summary>
/// <param name="ApiServerEtcdClient">apiserver-etcd-client.crt / .key.</param>
/// <param name="Members">Per etcd host name.</param>
public sealed record ExternalEtcdCertificates(
    CertificateKeyPair ApiServerEtcdClient,
    IReadOnlyDictionary<string, EtcdMemberCertificates> Members);
