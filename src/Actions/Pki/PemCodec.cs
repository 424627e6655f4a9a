using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaKube.Actions.Pki;

/// <summary>PEM as kubeadm writes it; PKCS#8 is read too, to adopt CAs made elsewhere. Errors never quote the input: it may be a key.</summary>
internal static class PemCodec
{
    private const string CertificateLabel = "CERTIFICATE";
    private const string RsaPrivateKeyLabel = "RSA PRIVATE KEY";
    private const string Pkcs8PrivateKeyLabel = "PRIVATE KEY";
    private const string PublicKeyLabel = "PUBLIC KEY";

    public static string EncodeCertificate(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    public static string EncodeRsaPrivateKey(RSA key) => key.ExportRSAPrivateKeyPem() + "\n";

    public static string EncodePublicKey(AsymmetricAlgorithm key) => key.ExportSubjectPublicKeyInfoPem() + "\n";

    public static X509Certificate2 DecodeCertificate(string pem)
    {
        var der = DecodeFirst(pem, CertificateLabel);
        return X509CertificateLoader.LoadCertificate(der);
    }

    /// <summary>PKCS#1 or PKCS#8; the caller disposes it.</summary>
    public static RSA DecodeRsaPrivateKey(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("no PEM block where an RSA private key was expected");
        }

        var label = pem[fields.Label];
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        var rsa = RSA.Create();
        try
        {
            switch (label)
            {
                case RsaPrivateKeyLabel:
                    rsa.ImportRSAPrivateKey(der, out _);
                    break;
                case Pkcs8PrivateKeyLabel:
                    rsa.ImportPkcs8PrivateKey(der, out _);
                    break;
                default:
                    throw new FormatException($"PEM block \"{label}\" is not an RSA private key");
            }

            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>The caller disposes it.</summary>
    public static RSA DecodeRsaPublicKey(string pem)
    {
        var der = DecodeFirst(pem, PublicKeyLabel);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(der, out _);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static byte[] DecodeFirst(string pem, string label)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            if (rest.Span[fields.Label].SequenceEqual(label))
            {
                return Convert.FromBase64String(rest.Span[fields.Base64Data].ToString());
            }

            rest = rest[fields.Location.End..];
        }

        throw new FormatException($"no \"{label}\" PEM block found");
    }
}
