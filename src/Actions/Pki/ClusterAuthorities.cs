namespace HaKube.Actions.Pki;

/// <summary>
/// Everything a cluster's trust rests on, generated once and kept in the state store, so a lost first
/// control plane loses nothing. ToString is safe: each member redacts its own key.
/// </summary>
public sealed record ClusterAuthorities(
    CertificateKeyPair ClusterCa,
    CertificateKeyPair FrontProxyCa,
    CertificateKeyPair EtcdCa,
    ServiceAccountKeyPair ServiceAccount);
