using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HaKube.Actions.Rendering;

/// <summary>
/// Values for systemd units and environment files: bare when safe, so ordinary units read as always;
/// otherwise escaped or quoted ('%' as '%%', '$' as '$$'), or refused where systemd cannot carry them
/// (a newline in a setting, a ';' that would end the command line).
/// </summary>
internal static partial class SystemdValues
{
    /// <summary>'%' doubled.</summary>
    /// <exception cref="ArgumentException">A control character, surrounding whitespace or a trailing backslash.</exception>
    public static string Setting(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Any(char.IsControl) || value != value.Trim() || value.EndsWith('\\'))
        {
            throw new ArgumentException($"{HaKube.Model.Values.Printable.Quote(value)} cannot be a systemd setting's value" +
                " (control characters, surrounding spaces or a trailing backslash)", nameof(value));
        }

        return value.Replace("%", "%%", StringComparison.Ordinal);
    }

    /// <exception cref="ArgumentException">It holds ';' (a command separator) or a lone surrogate.</exception>
    public static string Argument(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{HaKube.Model.Values.Printable.Quote(value)} cannot be an ExecStart= word: ';' separates commands there", nameof(value));
        }

        if (Bare().IsMatch(value))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }

            switch (c)
            {
                case '"' or '\\':
                    text.Append('\\').Append(c);
                    break;
                case '%':
                    text.Append("%%");
                    break;
                case '$':
                    text.Append("$$");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (char.IsSurrogate(c))
                    {
                        throw new ArgumentException("a lone UTF-16 surrogate cannot be written as UTF-8", nameof(value));
                    }

                    if (char.IsControl(c))
                    {
                        text.Append(c < 0x100 ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
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

    /// <summary>Bare when safe, else double-quoted with escapes: systemd's env-file.c does not take a shell-style '\\''.</summary>
    /// <exception cref="ArgumentException">It holds a NUL or a lone surrogate, which no file line can carry.</exception>
    public static string EnvironmentValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal) || HasLoneSurrogate(value))
        {
            throw new ArgumentException("a NUL or a lone UTF-16 surrogate cannot be written in an environment file", nameof(value));
        }

        if (Bare().IsMatch(value))
        {
            return value;
        }

        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\' or '`' or '$')
            {
                text.Append('\\');
            }

            text.Append(c);
        }

        return text.Append('"').ToString();
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    // No quote, backslash, space, '%', '$', ';', '#' or control character: systemd reads these as they are.
    [GeneratedRegex(@"^[A-Za-z0-9._/:=,@+\[\]-]+\z")]
    private static partial Regex Bare();
}
