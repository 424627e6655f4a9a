using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

/// <summary>
/// Where apt gets the Kubernetes packages: pkgs.k8s.io, or spec.packages.repository, a mirror with
/// pkgs.k8s.io's layout (one repository per minor under core:/stable:/vMAJOR.MINOR/deb/). The key
/// is pkgs.k8s.io's Release.key (downloaded from the repository and checked by fingerprint), or
/// the key the spec gives, written as it is (and checked by fingerprint when the spec gives one).
/// </summary>
public static class PackageSource
{
    /// <summary>The keyring apt's signed-by names: a downloaded key is dearmored, a given one kept armored (.asc).</summary>
    public static string KeyringPath(HaClusterSpec spec) => spec.HasOwnPackageKey() ? KnownPaths.AptKeyringArmored : KnownPaths.AptKeyring;

    /// <summary>The fingerprint to check, or null to write the given key as it is.</summary>
    public static string? Fingerprint(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Packages?.KeyFingerprint ?? (spec.HasOwnPackageKey() ? null : HostPrerequisiteFiles.SigningKeyFingerprint);
    }

    /// <summary>The sources.list.d line.</summary>
    public static string AptSource(HaClusterSpec spec, string minorTag) =>
        $"deb [signed-by={KeyringPath(spec)}] {spec.PackageRepositoryUrl(minorTag)} /\n";
}
