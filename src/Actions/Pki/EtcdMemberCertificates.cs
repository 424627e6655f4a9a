namespace HaKube.Actions.Pki;

/// <summary>Under /etc/kubernetes/pki/etcd.</summary>
public sealed record EtcdMemberCertificates(
    CertificateKeyPair Server,
    CertificateKeyPair Peer,
    CertificateKeyPair HealthcheckClient);
