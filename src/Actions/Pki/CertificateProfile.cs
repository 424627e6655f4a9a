using System.Net;

namespace HaKube.Actions.Pki;

/// <summary>
/// What goes into one certificate: subject, subject alternative names and usages. Pure data; the
/// kubeadm profiles are in <see cref="KubeadmProfiles"/>, and <see cref="CertificateFactory"/> turns a
/// profile into a certificate.
/// </summary>
public sealed record CertificateProfile
{
    public required string CommonName { get; init; }

    /// <summary>Subject O values; Kubernetes reads them as the groups of a client certificate.</summary>
    public IReadOnlyList<string> Organizations { get; init; } = [];

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];

    /// <summary>Extended key usages; empty for certificate authorities.</summary>
    public IReadOnlyList<KeyPurpose> Purposes { get; init; } = [];

    /// <summary>true for a self-signed certificate authority, false for a leaf signed by one.</summary>
    public bool IsAuthority { get; init; }
}
