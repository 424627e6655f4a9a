using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

/// <summary>How HaKube installs Calico (cni: Calico).</summary>
public sealed record CalicoSpec
{
    /// <summary>Enough for Calico's two operator manifests, split further if a Secret's 1 MiB limit forces it.</summary>
    public const int MaxOperatorManifests = 16;

    /// <summary>Calico's CRD bundle is a few MiB.</summary>
    public const long MaxOperatorManifestBytes = 8 * 1024 * 1024;

    [Description("The Tigera operator manifests (Calico's operator-crds.yaml and tigera-operator.yaml, or your own copies) to install from, in order, " +
        "instead of fetching them from GitHub: each a file or a Secret key with its SHA-256. " +
        "HaKube checks each hash, writes the files to the first control plane and runs kubectl create on them there. " +
        "Empty: kubectl fetches the Calico release's manifests from raw.githubusercontent.com, unpinned.")]
    [MaxLength(MaxOperatorManifests)]
    public IReadOnlyList<CalicoOperatorManifest> OperatorManifests { get; init; } = [];
}

/// <summary>One operator manifest, pinned by its SHA-256.</summary>
public sealed record CalicoOperatorManifest
{
    [Description("Directory mode: the manifest file, relative to the manifest (inside its folder, or a folder given with --allow-paths-outside), at most 8 MiB. " +
        "Refused in custom-resource mode (use secretRef).")]
    [RegularExpression(ApiPatterns.Path)]
    [StringLength(HaKube.Model.Values.FilePath.MaxLength, MinimumLength = 1)]
    public string? File { get; init; }

    [Description("Custom-resource mode: the Secret key holding the manifest (a Secret holds at most 1 MiB: split a larger file into several entries).")]
    public SecretKeyRef? SecretRef { get; init; }

    [Description("The SHA-256 of the manifest's bytes (64 lower-case hex digits, as sha256sum prints it); a file or Secret with any other content is refused.")]
    [RegularExpression(ApiPatterns.Sha256)]
    [StringLength(64, MinimumLength = 64)]
    public required string Sha256 { get; init; }
}
