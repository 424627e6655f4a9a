using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace HaKube.Model.Values;

/// <summary>
/// An IP address in canonical form (RFC 5952 for IPv6), never a zone id, brackets or a port.
/// IPAddress.TryParse alone takes "10" for 0.0.0.10, and a zone id can carry newlines.
/// </summary>
public sealed partial record IpLiteral
{
    private IpLiteral(IPAddress address) => Address = address;

    public IPAddress Address { get; }

    public bool IsV6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public int Bits => IsV6 ? 128 : 32;

    public override string ToString() => Address.ToString();

    public static IpLiteral From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && address.ScopeId == 0
            ? new IpLiteral(address)
            : throw new ArgumentException("only IPv4 and IPv6 addresses without a zone", nameof(address));
    }

    public static bool TryParse(string text, out IpLiteral? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (DottedQuad().IsMatch(text))
        {
            value = new IpLiteral(IPAddress.Parse(text));
            problem = "";
            return true;
        }

        if (!text.Contains(':', StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not an IP address";
            return false;
        }

        if (!Ipv6Characters().IsMatch(text) || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
        {
            problem = text.Contains('%', StringComparison.Ordinal) ? $"{Printable.Quote(text)} is not an IP address: a zone id (%...) is not allowed"
                : text.Contains('[', StringComparison.Ordinal) ? $"{Printable.Quote(text)} is not an IP address: no brackets or port, only the address"
                : $"{Printable.Quote(text)} is not an IP address";
            return false;
        }

        var canonical = v6.ToString();
        if (!string.Equals(canonical, text, StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {canonical}";
            return false;
        }

        value = new IpLiteral(v6);
        problem = "";
        return true;
    }

    public static bool IsCanonical(string text) => TryParse(text, out _, out _);

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}\z")]
    private static partial Regex DottedQuad();

    // Hex digits, colons, and the dots of an embedded IPv4 tail: nothing else may reach IPAddress.Parse.
    [GeneratedRegex(@"^[0-9A-Fa-f:.]{2,45}\z")]
    private static partial Regex Ipv6Characters();
}
