namespace HaKube.Model.Values;

/// <summary>
/// One destination reached without the proxy, in the forms Go's http.ProxyFromEnvironment (containerd)
/// reads from NO_PROXY: a host name, a ".domain" suffix, an IP address or a CIDR, each canonical.
/// </summary>
public static class NoProxyEntry
{
    /// <summary>What is wrong with <paramref name="text"/>; null when it is a valid entry.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return Cidr.TryParse(text, out _, out var cidrProblem) ? null : cidrProblem;
        }

        var host = text.StartsWith('.') ? text[1..] : text;
        if (host.Length == 0)
        {
            return $"{Printable.Quote(text)} is not a host name, .domain, IP address or CIDR";
        }

        return HostAddress.TryParse(host, out _, out var problem) ? null : problem;
    }
}
