using System.Globalization;
using System.Text;

namespace HaKube.Model.Values;

/// <summary>
/// Manifest values made safe for a terminal, log or status: control and format characters escaped
/// (so a host name cannot recolour a terminal or forge a log line) and long values cut.
/// </summary>
public static class Printable
{
    public const int MaxShown = 120;

    /// <summary>Double-quoted and escaped, cut after <see cref="MaxShown"/> characters.</summary>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var shown = value.Length > MaxShown ? value[..MaxShown] : value;
        var text = new StringBuilder(shown.Length + 2).Append('"');
        for (var i = 0; i < shown.Length; i++)
        {
            if (shown[i] is '"' or '\\')
            {
                text.Append('\\').Append(shown[i]);
            }
            else
            {
                AppendEscaped(text, shown, i);
            }
        }

        text.Append('"');
        if (value.Length > MaxShown)
        {
            text.Append("... (").Append((value.Length - MaxShown).ToString(CultureInfo.InvariantCulture)).Append(" more characters)");
        }

        return text.ToString();
    }

    /// <summary>Without cutting.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            AppendEscaped(escaped, text, i);
        }

        return escaped.ToString();
    }

    /// <summary>A control or format character, a line break or a lone surrogate.</summary>
    public static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]) && !IsSurrogatePair(text, i))
            {
                return i;
            }
        }

        return -1;
    }

    // A well-formed pair (an emoji, say) is shown as it is; only lone halves are escaped.
    private static bool IsSurrogatePair(string text, int i) =>
        (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        || (char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1]));

    private static void AppendEscaped(StringBuilder text, string source, int i)
    {
        var c = source[i];
        switch (c)
        {
            case '\n':
                text.Append("\\n");
                break;
            case '\r':
                text.Append("\\r");
                break;
            case '\t':
                text.Append("\\t");
                break;
            default:
                if (IsUnsafe(c) && !IsSurrogatePair(source, i))
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
}
