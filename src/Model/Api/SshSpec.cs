using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using HaKube.Model.Schema;

namespace HaKube.Model.Api;

public sealed record SshSpec
{
    /// <summary>A private key is a few KiB.</summary>
    public const long MaxPrivateKeyBytes = 64 * 1024;

    /// <summary>A known_hosts file of thousands of hosts still fits.</summary>
    public const long MaxKnownHostsBytes = 1024 * 1024;

    [Description("Login user. Defaults to root; any other user gets sudo -n.")]
    [RegularExpression(ApiPatterns.User)]
    [StringLength(32, MinimumLength = 1)]
    public string User { get; init; } = "root";

    [Description("SSH port. Defaults to 22.")]
    [Range(1, 65535)]
    public int Port { get; init; } = 22;

    [Description("Directory mode: path of the private key, relative to the manifest; it must resolve inside the manifest's folder (or a folder given with --allow-paths-outside). " +
        "Never read in custom-resource mode.")]
    [RegularExpression(ApiPatterns.Path)]
    [StringLength(HaKube.Model.Values.FilePath.MaxLength, MinimumLength = 1)]
    public string? PrivateKeyFile { get; init; }

    [Description("Custom-resource mode: the Secret key holding the private key.")]
    public SecretKeyRef? PrivateKeySecretRef { get; init; }

    [Description("Directory mode: known_hosts file, relative to the manifest (inside its folder), used for hosts without a pinned hostKey. " +
        "Host keys are always verified. Refused in custom-resource mode (use knownHostsSecretRef).")]
    [RegularExpression(ApiPatterns.Path)]
    [StringLength(HaKube.Model.Values.FilePath.MaxLength, MinimumLength = 1)]
    public string? KnownHostsFile { get; init; }

    [Description("Custom-resource mode: the Secret key holding a known_hosts file, used for hosts without a pinned hostKey.")]
    public SecretKeyRef? KnownHostsSecretRef { get; init; }

    [Description("Optional jump host every connection goes through.")]
    public BastionSpec? Bastion { get; init; }
}

/// <summary>A key in a Secret of the HaCluster's namespace.</summary>
public sealed record SecretKeyRef
{
    [Description("Secret name.")]
    [RegularExpression(ApiPatterns.Name)]
    [StringLength(253, MinimumLength = 1)]
    public required string Name { get; init; }

    [Description("Key within the Secret.")]
    [RegularExpression(ApiPatterns.SecretKey)]
    [StringLength(253, MinimumLength = 1)]
    public required string Key { get; init; }
}

public sealed record BastionSpec
{
    [Description("Address (IP or DNS name) of the jump host.")]
    [RegularExpression(ApiPatterns.Address)]
    [StringLength(HaKube.Model.Values.HostAddress.MaxLength, MinimumLength = 1)]
    public required string Host { get; init; }

    [Description("SSH port of the jump host. Defaults to 22.")]
    [Range(1, 65535)]
    public int Port { get; init; } = 22;

    [Description("Login user on the jump host. Defaults to ssh.user.")]
    [RegularExpression(ApiPatterns.User)]
    [StringLength(32, MinimumLength = 1)]
    public string? User { get; init; }

    [Description("Pinned host key of the jump host (\"type base64\"); otherwise knownHostsFile is used.")]
    [RegularExpression(ApiPatterns.HostKey)]
    [StringLength(16384)]
    public string? HostKey { get; init; }
}
