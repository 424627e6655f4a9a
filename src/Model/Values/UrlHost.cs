namespace HaKube.Model.Values;

/// <summary>IPv6 literals bracketed, else the port cannot be told from the address.</summary>
public static class UrlHost
{
    public static string For(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
    }

    public static string Https(string host, int port) => $"https://{For(host)}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
