namespace HaKube.Actions.Pki;

/// <summary>The certificates one external etcd member holds under /etc/kubernetes/pki/etcd.</summary>
public sealed record EtcdMemberCertificates(
    CertificateKeyPair Server,
    CertificateKeyPair Peer,
    CertificateKeyPair HealthcheckClient);
