using System.Net;

namespace HaKube.Actions.Pki;

/// <summary>Subject, SANs and usages of one certificate; the kubeadm ones are in <see cref="KubeadmProfiles"/>.</summary>
public sealed record CertificateProfile
{
    public required string CommonName { get; init; }

    /// <summary>Kubernetes reads them as a client certificate's groups.</summary>
    public IReadOnlyList<string> Organizations { get; init; } = [];

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public IReadOnlyList<IPAddress> IpAddresses { get; init; } = [];

    /// <summary>Empty for certificate authorities.</summary>
    public IReadOnlyList<KeyPurpose> Purposes { get; init; } = [];

    public bool IsAuthority { get; init; }
}
