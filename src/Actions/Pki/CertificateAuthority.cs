using System.Security.Cryptography.X509Certificates;

namespace HaKube.Actions.Pki;

/// <summary>A CA with its private key, ready to sign; dispose it so the key leaves memory.</summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    /// <summary>Checks that it is a CA and that the key belongs to it.</summary>
    /// <exception cref="ArgumentException">The pair is not a usable certificate authority.</exception>
    public static CertificateAuthority Load(CertificateKeyPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        using var certificate = PemCodec.DecodeCertificate(pair.CertificatePem);
        using var key = PemCodec.DecodeRsaPrivateKey(pair.KeyPem);
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
        {
            throw new ArgumentException($"{certificate.Subject} is not a certificate authority (basicConstraints CA:TRUE missing)", nameof(pair));
        }

        try
        {
            // CopyWithPrivateKey refuses a key whose public half differs from the certificate's.
            return new CertificateAuthority(certificate.CopyWithPrivateKey(key));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the key of {certificate.Subject} does not match its certificate", nameof(pair), e);
        }
    }

    public void Dispose() => Certificate.Dispose();
}
