namespace HaKube.Actions.Pki;

/// <summary>Generated once and kept in the state store, so a lost first control plane loses nothing. ToString redacts keys.</summary>
public sealed record ClusterAuthorities(
    CertificateKeyPair ClusterCa,
    CertificateKeyPair FrontProxyCa,
    CertificateKeyPair EtcdCa,
    ServiceAccountKeyPair ServiceAccount);
