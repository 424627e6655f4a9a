namespace HaKube.Actions.Pki;

/// <summary>A PKI file for a host: keys 0600 and certificates 0644, as kubeadm writes them. ToString never shows the content, which may be a key.</summary>
internal sealed record PkiFile(string RemotePath, string Content, UnixFileMode Mode)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Owner-only, i.e. holds a key.</summary>
    public bool IsSecret => (Mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0;

    /// <summary>Four octal digits, as chmod and install take them.</summary>
    public string OctalMode => "0" + Convert.ToString((int)Mode, 8).PadLeft(3, '0');

    public static PkiFile Certificate(string remotePath, string pem) => new(remotePath, pem, Public);

    /// <summary>Mode 0600, for a private key or a public key kubeadm writes like one.</summary>
    public static PkiFile Key(string remotePath, string pem) => new(remotePath, pem, Private);

    public override string ToString() =>
        $"{nameof(PkiFile)} {{ RemotePath = {RemotePath}, Mode = {OctalMode}, Content = {(IsSecret ? Redacted.Text : $"{Content.Length} chars")} }}";
}
