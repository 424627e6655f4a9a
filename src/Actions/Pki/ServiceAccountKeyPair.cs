namespace HaKube.Actions.Pki;

/// <summary>Signs and verifies service-account tokens; no certificate. ToString never shows the key.</summary>
public sealed record ServiceAccountKeyPair(string PrivateKeyPem, string PublicKeyPem)
{
    public override string ToString() =>
        $"{nameof(ServiceAccountKeyPair)} {{ PublicKeyPem = {PublicKeyPem.Length} chars, PrivateKeyPem = {Redacted.Text} }}";
}
