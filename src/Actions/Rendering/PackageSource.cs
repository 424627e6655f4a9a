using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

/// <summary>pkgs.k8s.io or a mirror with its layout; a downloaded Release.key is checked by fingerprint.</summary>
public static class PackageSource
{
    public const string DefaultRepository = "https://pkgs.k8s.io";

    public static string RepositoryUrl(HaClusterSpec spec, string minorTag)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{spec.Packages?.Repository ?? DefaultRepository}/core:/stable:/{minorTag}/deb/";
    }

    /// <summary>Written from the manifest's file or Secret, not downloaded.</summary>
    public static bool UserKey(HaClusterSpec spec) =>
        spec?.Packages is { } p && (p.KeyFile is not null || p.KeySecretRef is not null);

    /// <summary>A downloaded key is dearmored, a given one kept armored (.asc).</summary>
    public static string KeyringPath(HaClusterSpec spec) => UserKey(spec) ? KnownPaths.AptKeyringArmored : KnownPaths.AptKeyring;

    /// <summary>Null: write the given key as it is.</summary>
    public static string? Fingerprint(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Packages?.KeyFingerprint ?? (UserKey(spec) ? null : HostPrerequisiteFiles.SigningKeyFingerprint);
    }

    public static string AptSource(HaClusterSpec spec, string minorTag) =>
        $"deb [signed-by={KeyringPath(spec)}] {RepositoryUrl(spec, minorTag)} /\n";
}
