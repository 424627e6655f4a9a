namespace HaKube.Actions.Pki;

/// <summary>
/// The key pair that signs and verifies service-account tokens: sa.key (PKCS#1 "RSA PRIVATE KEY") and
/// sa.pub (SubjectPublicKeyInfo "PUBLIC KEY"). It has no certificate. ToString never shows the key.
/// </summary>
public sealed record ServiceAccountKeyPair(string PrivateKeyPem, string PublicKeyPem)
{
    public override string ToString() =>
        $"{nameof(ServiceAccountKeyPair)} {{ PublicKeyPem = {PublicKeyPem.Length} chars, PrivateKeyPem = {Redacted.Text} }}";
}
