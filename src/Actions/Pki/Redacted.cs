namespace HaKube.Actions.Pki;

/// <summary>Printed in place of key material, so no log ever carries a key.</summary>
internal static class Redacted
{
    public const string Text = "<redacted>";
}
