namespace HaKube.Model.Facts;

/// <summary>
/// What the probe found at one managed path: Mode as stat prints it ("600"), NotAfter the expiry of a
/// certificate or of a kubeconfig's embedded client certificate.
/// </summary>
public sealed record FileFact(bool Present, string? Sha256, string? Mode, int? Uid, int? Gid, long? Size, DateTimeOffset? NotAfter)
{
    public static readonly FileFact Absent = new(false, null, null, null, null, null, null);
}
