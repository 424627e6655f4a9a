using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// Writes a string so every YAML reader (kubeadm's YAML 1.1-flavoured Go decoder, PyYAML,
/// YamlDotNet) reads back the same string: plain only for a small safe alphabet, else double-quoted.
/// Over-quoting is harmless; under-quoting turns "1.30" into a float.
/// </summary>
internal static partial class YamlScalars
{
    // YAML 1.1 resolves these plain words to booleans or null; 1.2 keeps only some of them,
    // but kubeadm's decoder follows 1.1, so all of them are quoted.
    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        "null", "Null", "NULL",
    };

    public static bool CanBePlain(string value) => SafePlain().IsMatch(value) && !ReservedWords.Contains(value);

    public static string Format(string value) => CanBePlain(value) ? value : DoubleQuoted(value);

    private static string DoubleQuoted(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]); // a well-formed pair (an emoji) is printable as it is
                continue;
            }

            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    // Control and format characters (a BOM included), the Unicode line breaks YAML treats
                    // specially and the non-characters YAML does not print are escaped; a lone surrogate
                    // has no UTF-8 form at all, so no reader could get it back.
                    if (char.IsSurrogate(c))
                    {
                        throw new ArgumentException($"a string holds a lone UTF-16 surrogate (U+{(int)c:X4}); it cannot be written as UTF-8 YAML", nameof(value));
                    }

                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFFFE' or '\uFFFF' || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    // A letter or '/' first (never a digit, sign, dot or indicator), no spaces, '#', ',', '=' or quotes,
    // and no ':' at the end (a trailing colon would start a mapping). \z, not $, which also matches
    // before a trailing newline.
    [GeneratedRegex(@"^[A-Za-z/](?:[A-Za-z0-9._/:@+-]*[A-Za-z0-9._/@+-])?\z")]
    private static partial Regex SafePlain();
}
