using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaKube.Actions.Pki;

/// <summary>Makes certificates as kubeadm's pki_helpers does; times come from the TimeProvider only.</summary>
public sealed class CertificateFactory(TimeProvider timeProvider, PkiOptions options)
{
    private static readonly Oid ServerAuthOid = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthOid = new("1.3.6.1.5.5.7.3.2");
    private const string OrganizationOid = "2.5.4.10";
    private const string CommonNameOid = "2.5.4.3";

    public CertificateFactory(TimeProvider timeProvider)
        : this(timeProvider, PkiOptions.Kubeadm)
    {
    }

    // Keys this factory has taken from the preview pool: the next one is the next in the pool.
    private int _keysTaken;

    public PkiOptions Options { get; } = options;

    public CertificateKeyPair CreateAuthority(CertificateProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!profile.IsAuthority)
        {
            throw new ArgumentException($"profile {profile.CommonName} is a leaf; issue it with a CA", nameof(profile));
        }

        var now = Now();
        var notBefore = now - Options.Backdate;
        var notAfter = now + Options.CaValidity;
        using var key = NewKey();
        var request = NewRequest(profile, key);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false));
        AddSubjectAlternativeNames(request, profile);

        var signer = X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1);
        using var certificate = request.Create(request.SubjectName, signer, notBefore, notAfter, NewSerialNumber());
        return new CertificateKeyPair(PemCodec.EncodeCertificate(certificate), PemCodec.EncodeRsaPrivateKey(key), notAfter);
    }

    public CertificateKeyPair Issue(CertificateKeyPair issuer, CertificateProfile profile)
    {
        using var authority = CertificateAuthority.Load(issuer);
        return Issue(authority, profile);
    }

    public CertificateKeyPair Issue(CertificateAuthority issuer, CertificateProfile profile)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.IsAuthority)
        {
            throw new ArgumentException($"profile {profile.CommonName} is a CA; HaKube issues no intermediate CAs", nameof(profile));
        }

        var now = Now();
        var caCertificate = issuer.Certificate;

        // A certificate cannot be valid outside its issuer's validity (and .NET refuses to sign one), so a
        // leaf issued near the CA's end gets the CA's notAfter; its NotAfter shows when it needs renewing.
        var caNotBefore = new DateTimeOffset(caCertificate.NotBefore.ToUniversalTime());
        var caNotAfter = new DateTimeOffset(caCertificate.NotAfter.ToUniversalTime());
        var notBefore = Max(now - Options.Backdate, caNotBefore);
        var notAfter = Min(now + Options.CertificateValidity, caNotAfter);
        if (notAfter <= now)
        {
            throw new InvalidOperationException($"CA {caCertificate.Subject} expired at {caNotAfter:O}; it cannot issue {profile.CommonName}");
        }

        using var key = NewKey();
        var request = NewRequest(profile, key);
        request.CertificateExtensions.Add(AuthorityKeyIdentifier(caCertificate));
        AddSubjectAlternativeNames(request, profile);

        using var certificate = request.Create(caCertificate, notBefore, notAfter, NewSerialNumber());
        return new CertificateKeyPair(PemCodec.EncodeCertificate(certificate), PemCodec.EncodeRsaPrivateKey(key), notAfter);
    }

    /// <summary>sa.key and sa.pub.</summary>
    public ServiceAccountKeyPair CreateServiceAccountKeyPair()
    {
        using var key = NewKey();
        return new ServiceAccountKeyPair(PemCodec.EncodeRsaPrivateKey(key), PemCodec.EncodePublicKey(key));
    }

    private RSA NewKey() =>
        Options.FromPreviewPool ? PreviewKeyPool.Take(Interlocked.Increment(ref _keysTaken) - 1, Options.RsaKeySize) : RSA.Create(Options.RsaKeySize);

    // X.509 times have whole seconds; truncating here makes NotAfter equal what the certificate says.
    private DateTimeOffset Now()
    {
        var now = timeProvider.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    // Extensions are added in the order Go's x509 writes them: key usage, extended key usage, basic
    // constraints, key identifiers, subject alternative names.
    private static CertificateRequest NewRequest(CertificateProfile profile, RSA key)
    {
        var request = new CertificateRequest(SubjectName(profile), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var usage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment;
        if (profile.IsAuthority)
        {
            usage |= X509KeyUsageFlags.KeyCertSign;
        }

        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        if (profile.Purposes.Count > 0)
        {
            var purposes = new OidCollection();
            foreach (var purpose in profile.Purposes)
            {
                purposes.Add(purpose == KeyPurpose.ServerAuth ? ServerAuthOid : ClientAuthOid);
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(purposes, critical: false));
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(profile.IsAuthority, false, 0, critical: true));
        return request;
    }

    // Go's pkix.Name encodes O before CN ("O = system:masters, CN = ..." in openssl) and each value as a
    // PrintableString when it can. The .NET builder encodes components in the reverse of the order they
    // are added, so CN goes in first.
    private static X500DistinguishedName SubjectName(CertificateProfile profile)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.Add(CommonNameOid, profile.CommonName, StringType(profile.CommonName));
        foreach (var organization in profile.Organizations.Reverse())
        {
            builder.Add(OrganizationOid, organization, StringType(organization));
        }

        return builder.Build();
    }

    private static UniversalTagNumber StringType(string value) =>
        value.All(IsPrintable) ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String;

    private static bool IsPrintable(char c) => char.IsAsciiLetterOrDigit(c) || " '()+,-./:=?".Contains(c, StringComparison.Ordinal);

    private static void AddSubjectAlternativeNames(CertificateRequest request, CertificateProfile profile)
    {
        if (profile.DnsNames.Count == 0 && profile.IpAddresses.Count == 0)
        {
            return;
        }

        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in profile.DnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var ip in profile.IpAddresses)
        {
            names.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(names.Build());
    }

    // The issuer's own subject key identifier, as Go copies it; a CA made elsewhere without one gets the
    // RFC 5280 SHA-1 identifier of its key, which is what Go would have given it.
    private static X509AuthorityKeyIdentifierExtension AuthorityKeyIdentifier(X509Certificate2 issuer)
    {
        var subjectKeyIdentifier = issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()
            ?? new X509SubjectKeyIdentifierExtension(issuer.PublicKey, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false);
        return X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyIdentifier);
    }

    // kubeadm draws serials uniformly from [1, 2^63 - 1]: positive, non-zero, at most 8 bytes.
    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] &= 0x7F;
        if (serial[0] == 0)
        {
            // Keep the encoding minimal (no leading zero byte) and the value non-zero.
            serial[0] = 0x01;
        }

        return serial;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
