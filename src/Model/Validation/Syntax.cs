using System.Text.RegularExpressions;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

public static partial class Syntax
{
    /// <summary>CRD patterns (Go regular expressions, where $ is the end of the text) of the grammars below.</summary>
    public const string Dns1123SubdomainPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public const string LabelValuePattern = "^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$";

    public const string SecretDataKeyPattern = "^[-._a-zA-Z0-9]+$";

    public const string UserNamePattern = "^[a-z_][a-z0-9_-]*$";

    /// <summary>As Kubernetes requires of object and node names.</summary>
    public static bool IsDns1123Subdomain(string value) => value.Length <= 253 && Dns1123Subdomain().IsMatch(value);

    /// <summary>As Kubernetes requires of namespace names.</summary>
    public static bool IsDns1123Label(string value) => value.Length <= 63 && !value.Contains('.', StringComparison.Ordinal) && Dns1123Subdomain().IsMatch(value);

    public static bool IsHostAddress(string value) => HostAddress.TryParse(value, out _, out _);

    public static bool IsIpAddress(string value) => IpLiteral.IsCanonical(value);

    public static bool IsLabelKey(string key) => LabelKey.TryParse(key, out _, out _);

    /// <summary>Empty, or up to 63 alphanumerics, '-', '_' and '.', alphanumeric at both ends.</summary>
    public static bool IsLabelValue(string value) => value.Length == 0 || (value.Length <= 63 && LabelValue().IsMatch(value));

    /// <summary>A key of a Secret's data, as the API server accepts it.</summary>
    public static bool IsSecretDataKey(string value) => value.Length is > 0 and <= 253 && value is not ("." or "..") && SecretDataKey().IsMatch(value);

    /// <summary>As useradd accepts by default.</summary>
    public static bool IsUserName(string value) => value.Length <= 32 && UserName().IsMatch(value);

    public static bool IsPort(int port) => port is >= 1 and <= 65535;

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+\z")]
    private static partial Regex SecretDataKey();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]*\z")]
    private static partial Regex UserName();
}
