using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

/// <summary>Where hosts get kubelet, kubeadm, kubectl and cri-tools.</summary>
public sealed record PackagesSpec
{
    /// <summary>An armored public key is a few KiB.</summary>
    public const long MaxKeyBytes = 256 * 1024;

    public const string DefaultRepository = "https://pkgs.k8s.io";

    [Description("A mirror of pkgs.k8s.io with the same layout: http or https, no credentials. HaKube's apt source is URL/core:/stable:/vMAJOR.MINOR/deb/. Defaults to https://pkgs.k8s.io.")]
    [RegularExpression(ApiPatterns.Url)]
    [StringLength(2048, MinimumLength = 1)]
    public string? Repository { get; init; }

    [Description("Directory mode: the repository's signing key (an ASCII-armored OpenPGP public key), relative to the manifest (inside its folder, or a folder given with --allow-paths-outside). " +
        "Without a key HaKube downloads URL/core:/stable:/vMAJOR.MINOR/deb/Release.key and checks its fingerprint. " +
        "Refused in custom-resource mode (use keySecretRef).")]
    [RegularExpression(ApiPatterns.Path)]
    [StringLength(HaKube.Model.Values.FilePath.MaxLength, MinimumLength = 1)]
    public string? KeyFile { get; init; }

    [Description("Custom-resource mode: the Secret key holding the repository's signing key (ASCII-armored).")]
    public SecretKeyRef? KeySecretRef { get; init; }

    [Description("The OpenPGP fingerprint (40 or 64 upper-case hex digits) the signing key must have; checked on the host before the key is used. " +
        "Defaults to pkgs.k8s.io's when no key is given; with a key and no fingerprint the key is used as given.")]
    [RegularExpression(ApiPatterns.Fingerprint)]
    [StringLength(64, MinimumLength = 40)]
    public string? KeyFingerprint { get; init; }
}
