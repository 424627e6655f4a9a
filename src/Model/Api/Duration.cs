using System.Globalization;
using System.Text;
using HaKube.Model.Values;

namespace HaKube.Model.Api;

/// <summary>
/// HaKube's one duration grammar, for manifests and flags: d, h, m, s pairs, largest first, each at
/// most once, no leading zeros ("1h30m"). The text is its own print, so "0090s" or "30m1h" are
/// refused with the form to write instead.
/// </summary>
public static class Duration
{
    /// <summary>The same grammar for the CRD (with <see cref="MinLength"/>, so never empty).</summary>
    public const string Pattern = "^((0|[1-9][0-9]{0,8})d)?((0|[1-9][0-9]{0,8})h)?((0|[1-9][0-9]{0,8})m)?((0|[1-9][0-9]{0,8})s)?$";

    public const int MinLength = 2;

    /// <summary>Four parts of nine digits and a unit.</summary>
    public const int MaxLength = 40;

    private const string Units = "dhms";

    /// <summary>False for anything else, overflow and non-canonical forms included.</summary>
    public static bool TryParse(string? text, out TimeSpan duration) => TryParse(text, out duration, out _);

    /// <summary>The problem quotes the text.</summary>
    public static bool TryParse(string? text, out TimeSpan duration, out string problem)
    {
        duration = TimeSpan.Zero;
        var notDuration = $"{Printable.Quote(text)} is not a duration; expected numbers with units d, h, m or s, such as 90s, 2m or 1h30m";
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            problem = notDuration;
            return false;
        }

        var parts = new long[Units.Length];
        var seen = new bool[Units.Length];
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            var unit = i < text.Length ? Units.IndexOf(text[i], StringComparison.Ordinal) : -1;
            if (i == start || i - start > 9 || unit < 0)
            {
                problem = notDuration;
                return false;
            }

            parts[unit] += long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            seen[unit] = true;
            i++;
        }

        var seconds = (parts[0] * 86400) + (parts[1] * 3600) + (parts[2] * 60) + parts[3];
        if (seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            problem = notDuration;
            return false;
        }

        var canonical = Print(parts, seen);
        if (!string.Equals(canonical, text, StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {canonical}";
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds);
        problem = "";
        return true;
    }

    // Largest unit first, each once, no leading zeros; a zero part is kept only when nothing else is there.
    private static string Print(long[] parts, bool[] seen)
    {
        var text = new StringBuilder();
        for (var u = 0; u < Units.Length; u++)
        {
            if (seen[u] && parts[u] > 0)
            {
                text.Append(parts[u].ToString(CultureInfo.InvariantCulture)).Append(Units[u]);
            }
        }

        if (text.Length == 0)
        {
            var unit = Array.LastIndexOf(seen, true);
            text.Append('0').Append(Units[unit < 0 ? 3 : unit]);
        }

        return text.ToString();
    }
}
