using System.Globalization;
using System.Text.RegularExpressions;

namespace HaKube.Model.Api;

public readonly partial record struct KubernetesVersion(int Major, int Minor, int Patch) : IComparable<KubernetesVersion>
{
    /// <summary>The oldest release HaKube builds clusters of.</summary>
    public static readonly KubernetesVersion MinimumSupported = new(1, 30, 0);

    /// <summary>The newest minor the kubeadm configuration rendering is checked against.</summary>
    public static readonly KubernetesVersion MaximumSupportedMinor = new(1, 35, 0);

    /// <summary>kubeadm's v1beta4 configuration API is enabled from this minor on.</summary>
    public bool UsesKubeadmV1Beta4 => Major > 1 || Minor >= 31;

    /// <summary>The Debian package version prefix (<c>1.31.4-*</c>).</summary>
    public string PackageVersion => $"{Major}.{Minor}.{Patch}";

    /// <summary>As in pkgs.k8s.io repository paths (<c>v1.31</c>).</summary>
    public string MinorTag => $"v{Major}.{Minor}";

    public static bool TryParse(string? text, out KubernetesVersion version)
    {
        version = default;
        var match = text is null ? null : VersionPattern().Match(text);
        if (match is null || !match.Success)
        {
            return false;
        }

        version = new KubernetesVersion(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
        return true;
    }

    public static KubernetesVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"\"{text}\" is not a Kubernetes version vMAJOR.MINOR.PATCH");

    public int CompareTo(KubernetesVersion other) =>
        (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public static bool operator <(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"v{Major}.{Minor}.{Patch}";

    [GeneratedRegex(@"^v(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\z")]
    private static partial Regex VersionPattern();
}
