using HaKube.Model.Api;
using HaKube.Model.Validation;
using HaKube.Model.Values;

namespace HaKube.Model.Schema;

/// <summary>
/// The CRD's patterns (Go regular expressions), so the API server refuses what validation refuses as
/// far as a pattern can; canonical forms (IPv6 compression, CIDR host bits) are left to validation.
/// </summary>
internal static class ApiPatterns
{
    public const string Name = Syntax.Dns1123SubdomainPattern;

    public const string Address = HostAddress.Pattern;

    public const string Version = @"^v(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})$";

    public const string Cidr = "^[0-9a-f.:]+/(0|[1-9][0-9]?|1[01][0-9]|12[0-8])$";

    public const string DurationText = Duration.Pattern;

    public const string Path = FilePath.Pattern;

    public const string User = Syntax.UserNamePattern;

    public const string SecretKey = Syntax.SecretDataKeyPattern;

    public const string LabelValue = Syntax.LabelValuePattern;

    public const string Url = HttpUrl.Pattern;

    public const string Registry = RegistryHost.Pattern;

    public const string ImageRepository = HaKube.Model.Values.ImageRepository.Pattern;

    public const string Fingerprint = "^([0-9A-F]{40}|[0-9A-F]{64})$";

    public const string Sha256 = "^[0-9a-f]{64}$";

    /// <summary>A host name, a .domain suffix, an IP address or a CIDR.</summary>
    public const string NoProxy = "^[.]?[0-9a-z][-0-9a-z.:]*(/[0-9]{1,3})?$";

    public const string HostKey = "^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|rsa-sha2-512|rsa-sha2-256|ssh-rsa) [A-Za-z0-9+/]+={0,2}( [^\\x00-\\x1f\\x7f]+)?$";
}
