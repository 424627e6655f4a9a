using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

/// <summary>pkgs.k8s.io or a mirror with its layout; a downloaded Release.key is checked by fingerprint.</summary>
internal static class PackageSource
{
    /// <summary>A downloaded key is dearmored, a given one kept armored (.asc).</summary>
    public static string KeyringPath(HaClusterSpec spec) => spec.HasOwnPackageKey() ? KnownPaths.AptKeyringArmored : KnownPaths.AptKeyring;

    /// <summary>Null: write the given key as it is.</summary>
    public static string? Fingerprint(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Packages?.KeyFingerprint ?? (spec.HasOwnPackageKey() ? null : HostPrerequisiteFiles.SigningKeyFingerprint);
    }

    public static string AptSource(HaClusterSpec spec, string minorTag) =>
        $"deb [signed-by={KeyringPath(spec)}] {spec.PackageRepositoryUrl(minorTag)} /\n";
}
