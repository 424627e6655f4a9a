using System.Text.RegularExpressions;

namespace HaKube.Actions.Rendering;

/// <summary>
/// Values as haproxy.cfg words. HAProxy splits a line on spaces, starts a comment at '#', expands
/// environment variables in double quotes and unquoted text, and takes backslash escapes; inside
/// single quotes nothing is interpreted. A safe word is written bare, any other in single quotes;
/// a value that holds a single quote or a control character cannot be written and is refused.
/// </summary>
internal static partial class HaproxyWords
{
    /// <summary><paramref name="value"/> as one word.</summary>
    /// <exception cref="ArgumentException">It holds a single quote or a control character, which no haproxy.cfg word can carry.</exception>
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

    /// <summary>A server or proxy name: HAProxy itself allows only letters, digits, '-', '_', '.' and ':' (cfgparse's invalid_char), quoted or not.</summary>
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
