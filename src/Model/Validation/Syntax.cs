using System.Text.RegularExpressions;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

/// <summary>The string formats the API accepts: Kubernetes names, host addresses, label keys and values, user names.</summary>
public static partial class Syntax
{
    /// <summary>CRD patterns (Go regular expressions, where $ is the end of the text) of the grammars below.</summary>
    public const string Dns1123SubdomainPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public const string LabelValuePattern = "^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$";

    public const string SecretDataKeyPattern = "^[-._a-zA-Z0-9]+$";

    public const string UserNamePattern = "^[a-z_][a-z0-9_-]*$";

    /// <summary>A DNS-1123 subdomain, as Kubernetes requires of object and node names.</summary>
    public static bool IsDns1123Subdomain(string value) => value.Length <= 253 && Dns1123Subdomain().IsMatch(value);

    /// <summary>A DNS-1123 label, as Kubernetes requires of namespace names.</summary>
    public static bool IsDns1123Label(string value) => value.Length <= 63 && !value.Contains('.', StringComparison.Ordinal) && Dns1123Subdomain().IsMatch(value);

    /// <summary>A canonical IP address or a canonical (lower-case) RFC 1123 host name: <see cref="HostAddress"/>.</summary>
    public static bool IsHostAddress(string value) => HostAddress.TryParse(value, out _, out _);

    /// <summary>A canonical IPv4 or IPv6 address: <see cref="IpLiteral"/>.</summary>
    public static bool IsIpAddress(string value) => IpLiteral.IsCanonical(value);

    /// <summary>A Kubernetes label key: <see cref="LabelKey"/>.</summary>
    public static bool IsLabelKey(string key) => LabelKey.TryParse(key, out _, out _);

    /// <summary>A Kubernetes label value: empty, or at most 63 alphanumerics, '-', '_' and '.', starting and ending alphanumeric.</summary>
    public static bool IsLabelValue(string value) => value.Length == 0 || (value.Length <= 63 && LabelValue().IsMatch(value));

    /// <summary>A key of a Secret's data, as the API server accepts it.</summary>
    public static bool IsSecretDataKey(string value) => value.Length is > 0 and <= 253 && value is not ("." or "..") && SecretDataKey().IsMatch(value);

    /// <summary>A POSIX login name, as useradd accepts by default.</summary>
    public static bool IsUserName(string value) => value.Length <= 32 && UserName().IsMatch(value);

    /// <summary>A port number.</summary>
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
