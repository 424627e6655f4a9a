namespace HaKube.Actions.Pki;

/// <summary>
/// One file HaKube writes on a host: absolute path, content and mode. Keys are 0600 and certificates
/// 0644, as kubeadm writes them. ToString never shows the content, which may be a key.
/// </summary>
public sealed record PkiFile(string RemotePath, string Content, UnixFileMode Mode)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>true when the file is readable by its owner only, i.e. holds a key.</summary>
    public bool IsSecret => (Mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0;

    /// <summary>The mode as the four octal digits chmod and install take, e.g. "0600".</summary>
    public string OctalMode => "0" + Convert.ToString((int)Mode, 8).PadLeft(3, '0');

    /// <summary>A certificate: mode 0644.</summary>
    public static PkiFile Certificate(string remotePath, string pem) => new(remotePath, pem, Public);

    /// <summary>A key (private, or a public key kubeadm writes like one): mode 0600.</summary>
    public static PkiFile Key(string remotePath, string pem) => new(remotePath, pem, Private);

    public override string ToString() =>
        $"{nameof(PkiFile)} {{ RemotePath = {RemotePath}, Mode = {OctalMode}, Content = {(IsSecret ? Redacted.Text : $"{Content.Length} chars")} }}";
}
