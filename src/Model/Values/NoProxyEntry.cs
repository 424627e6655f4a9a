namespace HaKube.Model.Values;

/// <summary>One canonical NO_PROXY entry in the forms Go's http.ProxyFromEnvironment (containerd) reads.</summary>
internal static class NoProxyEntry
{
    /// <summary>Null when valid.</summary>
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
