using System.Globalization;
using System.Text.RegularExpressions;

namespace HaKube.Model.Values;

/// <summary>A size as flags write it: whole bytes, KiB, MiB, GiB or TiB ("8GiB").</summary>
public static partial class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = text is null ? null : Pattern().Match(text);
        if (match is null || !match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var shift = match.Groups[2].Value switch
        {
            "KiB" => 10,
            "MiB" => 20,
            "GiB" => 30,
            "TiB" => 40,
            _ => 0,
        };
        if (number > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,17})(KiB|MiB|GiB|TiB)?\z")]
    private static partial Regex Pattern();
}
