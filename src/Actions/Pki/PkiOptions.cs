namespace HaKube.Actions.Pki;

/// <summary>
/// Key size, validity and backdating for the certificates HaKube issues. The defaults are kubeadm's
/// (encryptionAlgorithm RSA-2048, caCertificateValidityPeriod 87600h, certificateValidityPeriod 8760h,
/// CertificateBackdate 5m); tests and the lab shorten the validities to exercise renewal.
/// </summary>
public sealed record PkiOptions
{
    /// <summary>kubeadm's defaults.</summary>
    public static PkiOptions Kubeadm { get; } = new();

    /// <summary>Lifetime of a certificate authority, counted from the moment it is created.</summary>
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromHours(87600);

    /// <summary>Lifetime of a leaf certificate, counted from the moment it is issued.</summary>
    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromHours(8760);

    /// <summary>How far notBefore lies before "now", so hosts whose clocks lag a little accept a fresh certificate.</summary>
    public TimeSpan Backdate { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>RSA modulus size in bits for every key HaKube generates.</summary>
    public int RsaKeySize { get; init; } = 2048;
}
