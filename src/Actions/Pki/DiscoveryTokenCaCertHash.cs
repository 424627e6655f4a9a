using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaKube.Actions.Pki;

/// <summary>--discovery-token-ca-cert-hash: "sha256:" and the hex SHA-256 of the CA's SubjectPublicKeyInfo (kubeadm's pubkeypin).</summary>
internal static class DiscoveryTokenCaCertHash
{
    public const string Prefix = "sha256:";

    public static string Compute(X509Certificate2 caCertificate)
    {
        ArgumentNullException.ThrowIfNull(caCertificate);
        var spki = caCertificate.PublicKey.ExportSubjectPublicKeyInfo();
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(spki));
    }

    public static string Compute(string caCertificatePem)
    {
        using var certificate = PemCodec.DecodeCertificate(caCertificatePem);
        return Compute(certificate);
    }
}
