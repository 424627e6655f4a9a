using HaKube.Actions.Pki;

namespace HaKube.Actions.State;

/// <summary>PEM text; notAfter is read back from the certificate.</summary>
internal sealed record StoredPair(string Certificate, string Key)
{
    public static StoredPair From(CertificateKeyPair pair) => new(pair.CertificatePem, pair.KeyPem);

    public CertificateKeyPair ToPair()
    {
        using var certificate = PemCodec.DecodeCertificate(Certificate);
        return new CertificateKeyPair(Certificate, Key, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }

    // Records print their members; this one holds a key.
    public override string ToString() => $"{nameof(StoredPair)} {{ Key = <redacted> }}";
}

internal sealed record StoredAuthorities(StoredPair ClusterCa, StoredPair FrontProxyCa, StoredPair EtcdCa, string ServiceAccountKey, string ServiceAccountPublicKey)
{
    public static StoredAuthorities From(ClusterAuthorities authorities) => new(
        StoredPair.From(authorities.ClusterCa),
        StoredPair.From(authorities.FrontProxyCa),
        StoredPair.From(authorities.EtcdCa),
        authorities.ServiceAccount.PrivateKeyPem,
        authorities.ServiceAccount.PublicKeyPem);

    public ClusterAuthorities ToAuthorities() => new(
        ClusterCa.ToPair(),
        FrontProxyCa.ToPair(),
        EtcdCa.ToPair(),
        new ServiceAccountKeyPair(ServiceAccountKey, ServiceAccountPublicKey));

    public override string ToString() => $"{nameof(StoredAuthorities)} {{ <redacted> }}";
}

internal sealed record StoredEtcdMember(StoredPair Server, StoredPair Peer, StoredPair HealthcheckClient)
{
    public static StoredEtcdMember From(EtcdMemberCertificates member) =>
        new(StoredPair.From(member.Server), StoredPair.From(member.Peer), StoredPair.From(member.HealthcheckClient));

    public EtcdMemberCertificates ToMember() => new(Server.ToPair(), Peer.ToPair(), HealthcheckClient.ToPair());

    public override string ToString() => $"{nameof(StoredEtcdMember)} {{ <redacted> }}";
}
