using System.Globalization;
using System.Text.RegularExpressions;

namespace HaKube.Model.Values;

/// <summary>
/// A canonical http(s) URL, never with credentials, query or fragment; path characters are limited
/// because it ends up in TOML, apt and systemd strings.
/// </summary>
public sealed partial record HttpUrl
{
    public const string Pattern = "^https?://[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[1-9][0-9]{0,4})?(/[-A-Za-z0-9._~/:+,=%]*[-A-Za-z0-9._~:+,=%])?$";

    private HttpUrl(string scheme, HostAddress host, int? port, string path)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        Path = path;
    }

    public string Scheme { get; }

    public HostAddress Host { get; }

    /// <summary>Null for the scheme's default.</summary>
    public int? Port { get; }

    /// <summary>With its leading slash; empty for none.</summary>
    public string Path { get; }

    public string Authority => Port is { } p ? $"{Host}:{p.ToString(CultureInfo.InvariantCulture)}" : Host.ToString();

    public override string ToString() => $"{Scheme}://{Authority}{Path}";

    public static bool TryParse(string text, out HttpUrl? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator < 0 ? "" : text[..separator];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{Printable.Quote(text)} is not an http or https URL; expected http://HOST[:PORT][/PATH] or https://...";
            return false;
        }

        var rest = text[(separator + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[slash..];
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            // Never echo the credentials back: they would reach the terminal, the logs and the status.
            problem = "the URL carries credentials (user:password@); expected none: HaKube writes URLs into files that every local user can read";
            return false;
        }

        if (path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} has a query or fragment; expected scheme://HOST[:PORT][/PATH] only";
            return false;
        }

        if (path.Length > 0 && !PathCharacters().IsMatch(path))
        {
            problem = $"{Printable.Quote(text)} has characters a path here may not hold; expected letters, digits and -._~/:+,=%";
            return false;
        }

        var colon = authority.LastIndexOf(':');
        int? port = null;
        var hostText = authority;
        if (colon >= 0)
        {
            if (!Ports.TryParse(authority[(colon + 1)..], out var p))
            {
                problem = $"{Printable.Quote(text)} has no valid port; expected 1 to 65535 without leading zeros";
                return false;
            }

            port = p;
            hostText = authority[..colon];
        }

        if (hostText.StartsWith('['))
        {
            problem = $"{Printable.Quote(text)} names an IPv6 host; expected a host name or IPv4 address";
            return false;
        }

        if (!HostAddress.TryParse(hostText.ToLowerInvariant(), out var host, out var hostProblem))
        {
            problem = hostProblem;
            return false;
        }

        var lowerScheme = scheme.ToLowerInvariant();
        var defaultPort = lowerScheme == "https" ? 443 : 80;
        var canonical = new HttpUrl(lowerScheme, host!, port == defaultPort ? null : port, path.TrimEnd('/'));
        if (!string.Equals(canonical.ToString(), text, StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {canonical}";
            return false;
        }

        value = canonical;
        problem = "";
        return true;
    }

    /// <summary>For a validated spec.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a canonical URL.</exception>
    public static HttpUrl Parse(string text) =>
        TryParse(text, out var value, out var problem) ? value! : throw new FormatException(problem);

    [GeneratedRegex(@"^/[-A-Za-z0-9._~/:+,=%]*\z")]
    private static partial Regex PathCharacters();
}
