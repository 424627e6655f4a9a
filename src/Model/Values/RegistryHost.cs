using System.Globalization;

namespace HaKube.Model.Values;

/// <summary>A registry as containerd names it: host name or IPv4, port only when not the default, lower case. IPv6 is refused, as for host addresses.</summary>
public sealed record RegistryHost
{
    public const string Pattern = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[1-9][0-9]{0,4})?$";

    private RegistryHost(HostAddress host, int? port)
    {
        Host = host;
        Port = port;
    }

    public HostAddress Host { get; }

    public int? Port { get; }

    public override string ToString() => Port is { } p ? $"{Host}:{p.ToString(CultureInfo.InvariantCulture)}" : Host.ToString();

    public static bool TryParse(string text, out RegistryHost? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (text.Contains("://", StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not a registry name: a registry is named without a scheme (docker.io, registry.example.com:5000)";
            return false;
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not a registry name: a registry has no path (docker.io, registry.example.com:5000)";
            return false;
        }

        var colon = text.LastIndexOf(':');
        var hostText = colon < 0 ? text : text[..colon];
        int? port = null;
        if (colon >= 0)
        {
            if (!Ports.TryParse(text[(colon + 1)..], out var p))
            {
                problem = $"{Printable.Quote(text)} is not a registry name: the port must be 1 to 65535 without leading zeros";
                return false;
            }

            port = p;
        }

        if (!HostAddress.TryParse(hostText, out var host, out var hostProblem))
        {
            problem = hostProblem;
            return false;
        }

        if (host!.Ip is { IsV6: true })
        {
            problem = $"{Printable.Quote(text)} is an IPv6 address; registries are named by host name or IPv4 address";
            return false;
        }

        value = new RegistryHost(host, port);
        problem = "";
        return true;
    }
}

/// <summary>1 to 65535, digits only, no leading zero.</summary>
internal static class Ports
{
    public static bool TryParse(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text[0] != '0' && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }
}
