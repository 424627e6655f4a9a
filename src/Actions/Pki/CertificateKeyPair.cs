namespace HaKube.Actions.Pki;

/// <summary>PEM, the key PKCS#1 as kubeadm writes it; NotAfter spares renewal checks a parse. ToString never shows the key.</summary>
public sealed record CertificateKeyPair(string CertificatePem, string KeyPem, DateTimeOffset NotAfter)
{
    public override string ToString() =>
        $"{nameof(CertificateKeyPair)} {{ NotAfter = {NotAfter:O}, CertificatePem = {CertificatePem.Length} chars, KeyPem = {Redacted.Text} }}";
}
