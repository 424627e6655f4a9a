using System.Globalization;

namespace HaKube.Model.Api;

/// <summary>Durations as manifests write them: one or more number-unit pairs, units s, m, h and d ("90m", "1h30m", "1d").</summary>
public static class Duration
{
    /// <summary>The duration <paramref name="text"/> names; false for anything else, including overflow.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var total = 0L;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i == text.Length || !long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            long unit = text[i] switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                _ => 0,
            };
            if (unit == 0 || number > TimeSpan.MaxValue.TotalSeconds / unit)
            {
                return false;
            }

            total += number * unit;
            if (total > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            i++;
        }

        duration = TimeSpan.FromSeconds(total);
        return true;
    }
}
