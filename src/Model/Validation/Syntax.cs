using System.Net;
using System.Text.RegularExpressions;

namespace HaKube.Model.Validation;

/// <summary>The string formats the API accepts: Kubernetes names, host addresses, label keys and values, user names.</summary>
public static partial class Syntax
{
    /// <summary>A DNS-1123 subdomain, as Kubernetes requires of object and node names.</summary>
    public static bool IsDns1123Subdomain(string value) => value.Length <= 253 && Dns1123Subdomain().IsMatch(value);

    /// <summary>An IP address or an RFC 1123 host name.</summary>
    public static bool IsHostAddress(string value) =>
        IsIpAddress(value) || (value.Length <= 253 && HostName().IsMatch(value) && !AllNumeric().IsMatch(value));

    /// <summary>
    /// A dotted-quad IPv4 or a plain IPv6 address. IPAddress.TryParse alone also takes "10"
    /// (0.0.0.10), "1.2.3" and zone ids, which no user means in a manifest.
    /// </summary>
    public static bool IsIpAddress(string value) =>
        value.Contains(':', StringComparison.Ordinal)
            ? !value.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            : DottedQuad().IsMatch(value);

    /// <summary>A Kubernetes label key: an optional DNS subdomain prefix and a name of at most 63 characters.</summary>
    public static bool IsLabelKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        var prefixValid = slash < 0 || IsDns1123Subdomain(key[..slash]);
        return prefixValid && name.Length is > 0 and <= 63 && LabelValue().IsMatch(name);
    }

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

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^[0-9.]+\z")]
    private static partial Regex AllNumeric();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]*\z")]
    private static partial Regex UserName();
}
