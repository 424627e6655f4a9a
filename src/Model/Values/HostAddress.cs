namespace HaKube.Model.Values;

public sealed record HostAddress
{
    public const int MaxLength = DnsName.MaxLength;

    /// <summary>Only the characters either form may hold: the API server cannot check canonical IPv6 by pattern.</summary>
    public const string Pattern = "^([0-9a-f:.]+|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*)$";

    private HostAddress(IpLiteral? ip, DnsName? name)
    {
        Ip = ip;
        Name = name;
    }

    public IpLiteral? Ip { get; }

    public DnsName? Name { get; }

    public bool IsIp => Ip is not null;

    public override string ToString() => Ip?.ToString() ?? Name!.ToString();

    public static bool TryParse(string text, out HostAddress? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (IpLiteral.TryParse(text, out var ip, out var ipProblem))
        {
            value = new HostAddress(ip, null);
            problem = "";
            return true;
        }

        if (text.Contains(':', StringComparison.Ordinal) || ipProblem.Contains("canonical form", StringComparison.Ordinal))
        {
            problem = ipProblem.Contains("zone id", StringComparison.Ordinal) || ipProblem.Contains("canonical", StringComparison.Ordinal) || ipProblem.Contains("brackets", StringComparison.Ordinal)
                ? ipProblem
                : $"{Printable.Quote(text)} is not an IP address or host name";
            return false;
        }

        if (DnsName.TryParse(text, out var name, out var nameProblem))
        {
            value = new HostAddress(null, name);
            problem = "";
            return true;
        }

        problem = nameProblem.Contains("canonical form", StringComparison.Ordinal)
            ? nameProblem
            : $"{Printable.Quote(text)} is not an IP address or host name";
        return false;
    }

    /// <summary>For a validated spec.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a canonical address.</exception>
    public static HostAddress Parse(string text) =>
        TryParse(text, out var value, out var problem) ? value! : throw new FormatException(problem);
}
