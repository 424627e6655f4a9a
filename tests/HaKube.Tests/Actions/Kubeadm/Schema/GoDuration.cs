using System.Numerics;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// Go's time.ParseDuration, as a check: an optional sign, then "0" or a sequence of decimal
/// numbers each with a unit (ns, us, µs, μs, ms, s, m, h), within ±(2^63-1) nanoseconds.
/// meta/v1.Duration decodes JSON strings with it.
/// </summary>
internal static class GoDuration
{
    private static readonly BigInteger MaxNanoseconds = BigInteger.Pow(2, 63);

    private static readonly Dictionary<string, long> Units = new(StringComparer.Ordinal)
    {
        ["ns"] = 1,
        ["us"] = 1_000,
        ["\u00b5s"] = 1_000,
        ["\u03bcs"] = 1_000,
        ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000,
        ["m"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000,
    };

    /// <summary>Null when Go parses the text; otherwise why not, in Go's words.</summary>
    public static string? Problem(string text)
    {
        var s = text;
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return null;
        }

        if (s.Length == 0)
        {
            return $"time: invalid duration \"{text}\"";
        }

        var total = BigInteger.Zero;
        while (s.Length > 0)
        {
            if (s[0] != '.' && !char.IsAsciiDigit(s[0]))
            {
                return $"time: invalid duration \"{text}\"";
            }

            var whole = TakeDigits(ref s, out var wholeDigits);
            var fraction = BigInteger.Zero;
            var scale = BigInteger.One;
            var fractionDigits = 0;
            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                fraction = TakeDigits(ref s, out fractionDigits);
                scale = BigInteger.Pow(10, fractionDigits);
            }

            if (wholeDigits == 0 && fractionDigits == 0)
            {
                return $"time: invalid duration \"{text}\"";
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            var unit = s[..unitLength];
            s = s[unitLength..];
            if (unit.Length == 0)
            {
                return $"time: missing unit in duration \"{text}\"";
            }

            if (!Units.TryGetValue(unit, out var nanoseconds))
            {
                return $"time: unknown unit \"{unit}\" in duration \"{text}\"";
            }

            total += whole * nanoseconds + fraction * nanoseconds / scale;
            if (total > MaxNanoseconds)
            {
                return $"time: invalid duration \"{text}\"";
            }
        }

        return total == MaxNanoseconds && !negative ? $"time: invalid duration \"{text}\"" : null;
    }

    private static BigInteger TakeDigits(ref string s, out int count)
    {
        var value = BigInteger.Zero;
        count = 0;
        while (count < s.Length && char.IsAsciiDigit(s[count]))
        {
            value = value * 10 + (s[count] - '0');
            count++;
        }

        s = s[count..];
        return value;
    }
}
