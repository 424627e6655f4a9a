namespace HaKube.Actions.Pki;

/// <summary>Key size, validity and backdate of issued certificates; kubeadm's defaults, shortened by tests and the lab to exercise renewal.</summary>
public sealed record PkiOptions
{
    public static PkiOptions Kubeadm { get; } = new();

    /// <summary>
    /// For material made in memory for a plan nobody carries out (a paused cluster, a --dry-run daemon,
    /// `hakube plan` before the first apply): it is never stored nor sent to a host, and the first
    /// apply makes the cluster's own authorities with <see cref="Kubeadm"/>. RSA-1024 because a 2048-bit
    /// key takes ~0.3 s to generate on the lab machine (16 ms at 1024), and a fleet of new clusters
    /// under --dry-run made four per cluster (with external etcd, one more and three per etcd host)
    /// before its first status. The keys come from <see cref="PreviewKeyPool"/>, so a fleet makes a
    /// cluster's worth of them once.
    /// </summary>
    public static PkiOptions Preview { get; } = new() { RsaKeySize = 1024, FromPreviewPool = true };

    public TimeSpan CaValidity { get; init; } = TimeSpan.FromHours(87600);

    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromHours(8760);

    /// <summary>So hosts whose clocks lag a little accept a fresh certificate.</summary>
    public TimeSpan Backdate { get; init; } = TimeSpan.FromMinutes(5);

    public int RsaKeySize { get; init; } = 2048;

    /// <summary>Keys are taken from <see cref="PreviewKeyPool"/> instead of made: for <see cref="Preview"/> only.</summary>
    public bool FromPreviewPool { get; init; }
}
