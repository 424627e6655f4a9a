using System.Text.RegularExpressions;

namespace HaKube.Model.Values;

/// <summary>An RFC 1123 host name, lower case, no trailing dot; never all digits and dots, which would read as a partial IPv4 address.</summary>
public sealed partial record DnsName
{
    public const int MaxLength = 253;

    private DnsName(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    public static bool TryParse(string text, out DnsName? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (text.Length > MaxLength || !AnyCase().IsMatch(text) || AllNumeric().IsMatch(text))
        {
            problem = $"{Printable.Quote(text)} is not a host name";
            return false;
        }

        var lower = text.ToLowerInvariant();
        if (!string.Equals(lower, text, StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {lower}";
            return false;
        }

        value = new DnsName(text);
        problem = "";
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex AnyCase();

    [GeneratedRegex(@"^[0-9.]+\z")]
    private static partial Regex AllNumeric();
}
