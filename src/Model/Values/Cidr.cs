using System.Globalization;
using System.Net;

namespace HaKube.Model.Values;

/// <summary>
/// ADDRESS/PREFIX in canonical form only (no leading zeros, zone id or host bits), so the text that
/// reaches kubeadm and Calico is exactly this print.
/// </summary>
internal sealed record Cidr
{
    private Cidr(IpLiteral network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    public IpLiteral Network { get; }

    public int PrefixLength { get; }

    public bool IsV6 => Network.IsV6;

    public int HostBits => Network.Bits - PrefixLength;

    public IPNetwork ToNetwork() => new(Network.Address, PrefixLength);

    public bool Contains(IPAddress address) => ToNetwork().Contains(address);

    public bool Overlaps(Cidr other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return IsV6 == other.IsV6 && (Contains(other.Network.Address) || other.Contains(Network.Address));
    }

    public override string ToString() => $"{Network}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string text, out Cidr? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var notCidr = $"{Printable.Quote(text)} is not a CIDR; expected for example 10.96.0.0/12";
        if (slash <= 0 || slash == text.Length - 1 || slash != text.LastIndexOf('/') || text.Length > 49)
        {
            problem = notCidr;
            return false;
        }

        var prefixText = text[(slash + 1)..];
        if (!IpLiteral.TryParse(text[..slash], out var address, out var addressProblem))
        {
            // A non-canonical address inside a well-formed CIDR gets the canonical form as its hint.
            problem = addressProblem.Contains("canonical form", StringComparison.Ordinal) && IPAddress.TryParse(text[..slash], out var loose) && loose.ScopeId == 0
                ? $"{Printable.Quote(text)} is not in canonical form; expected {loose}/{prefixText.TrimStart('0').PadLeft(1, '0')}"
                : notCidr;
            return false;
        }

        if (!prefixText.All(char.IsAsciiDigit) || prefixText.Length > 3 || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > address!.Bits)
        {
            problem = notCidr;
            return false;
        }

        var canonicalPrefix = prefix.ToString(CultureInfo.InvariantCulture);
        if (!string.Equals(prefixText, canonicalPrefix, StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {address}/{canonicalPrefix}";
            return false;
        }

        var network = new IPNetwork(address.Address, prefix);
        if (!network.BaseAddress.Equals(address.Address))
        {
            problem = $"{text} has host bits set; expected the network address {network}";
            return false;
        }

        value = new Cidr(address, prefix);
        problem = "";
        return true;
    }

    /// <summary>For a validated spec.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a canonical CIDR.</exception>
    public static Cidr Parse(string text) =>
        TryParse(text, out var value, out var problem) ? value! : throw new FormatException(problem);
}
