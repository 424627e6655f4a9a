namespace HaKube.Actions.Pki;

/// <summary>Key size, validity and backdate of issued certificates; kubeadm's defaults, shortened by tests and the lab to exercise renewal.</summary>
public sealed record PkiOptions
{
    public static PkiOptions Kubeadm { get; } = new();

    public TimeSpan CaValidity { get; init; } = TimeSpan.FromHours(87600);

    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromHours(8760);

    /// <summary>So hosts whose clocks lag a little accept a fresh certificate.</summary>
    public TimeSpan Backdate { get; init; } = TimeSpan.FromMinutes(5);

    public int RsaKeySize { get; init; } = 2048;
}
