namespace HaKube.Actions.Pki;

/// <summary>
/// A certificate and its private key, both PEM (the key PKCS#1 "RSA PRIVATE KEY", as kubeadm writes
/// it): the unit HaKube keeps in its state store and pushes to hosts. ToString never shows the key.
/// </summary>
/// <param name="CertificatePem">The certificate, "-----BEGIN CERTIFICATE-----".</param>
/// <param name="KeyPem">The private key; secret.</param>
/// <param name="NotAfter">The certificate's notAfter, for renewal decisions without parsing.</param>
public sealed record CertificateKeyPair(string CertificatePem, string KeyPem, DateTimeOffset NotAfter)
{
    public override string ToString() =>
        $"{nameof(CertificateKeyPair)} {{ NotAfter = {NotAfter:O}, CertificatePem = {CertificatePem.Length} chars, KeyPem = {Redacted.Text} }}";
}
