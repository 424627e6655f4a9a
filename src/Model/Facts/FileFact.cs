namespace HaKube.Model.Facts;

/// <summary>What the probe found at one managed path.</summary>
/// <param name="Present">A regular file exists there.</param>
/// <param name="Sha256">Lower-case hex.</param>
/// <param name="Mode">Octal, as stat prints it ("600").</param>
/// <param name="Uid">Owner user id.</param>
/// <param name="Gid">Owner group id.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="NotAfter">Expiry of a certificate, or of a kubeconfig's embedded client certificate.</param>
public sealed record FileFact(bool Present, string? Sha256, string? Mode, int? Uid, int? Gid, long? Size, DateTimeOffset? NotAfter)
{
    public static readonly FileFact Absent = new(false, null, null, null, null, null, null);
}
