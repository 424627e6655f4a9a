using System.Text.RegularExpressions;

namespace HaKube.Actions.Rendering;

/// <summary>HAProxy interprets nothing inside single quotes; a single quote or control character is refused.</summary>
internal static partial class HaproxyWords
{
    /// <exception cref="ArgumentException">A single quote or a control character, which no word can carry.</exception>
    public static string Word(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Bare().IsMatch(value))
        {
            return value;
        }

        return value.Contains('\'', StringComparison.Ordinal) || value.Any(char.IsControl)
            ? throw new ArgumentException($"{HaKube.Model.Values.Printable.Quote(value)} cannot be written as a haproxy.cfg word (a single quote or a control character)", nameof(value))
            : $"'{value}'";
    }

    /// <summary>HAProxy allows only letters, digits, '-', '_', '.' and ':' in names (cfgparse's invalid_char).</summary>
    /// <exception cref="ArgumentException">Another character, which HAProxy would refuse at start.</exception>
    public static string Name(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return NameCharacters().IsMatch(value)
            ? value
            : throw new ArgumentException($"{HaKube.Model.Values.Printable.Quote(value)} cannot be a HAProxy server name; HAProxy allows letters, digits, '-', '_', '.' and ':'", nameof(value));
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:/@+\[\]-]+\z")]
    private static partial Regex Bare();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]+\z")]
    private static partial Regex NameCharacters();
}
