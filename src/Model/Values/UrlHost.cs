namespace HaKube.Model.Values;

/// <summary>
/// A host as it goes into a URL or an address:port pair: IPv6 literals in brackets (https://[fd00::1]:6443),
/// names and IPv4 as they are. Without the brackets the port cannot be told from the address, and
/// tools (kubectl, curl, ss filters, etcd flags) reject or misread it.
/// </summary>
public static class UrlHost
{
    public static string For(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
    }

    /// <summary>https://HOST:PORT with <see cref="For"/>'s brackets.</summary>
    public static string Https(string host, int port) => $"https://{For(host)}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
