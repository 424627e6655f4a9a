using System.Globalization;
using System.Text;

namespace HaKube.Tests.Support;

/// <summary>
/// Test-only readers of the formats HaKube writes, each following the real reader's documented rules
/// closely enough to read back what the emitters write (and to fail loudly on anything they do not
/// understand): systemd's environment-file state machine (env-file.c), systemd's unit lines with
/// specifiers and ExecStart word splitting, and HAProxy's configuration words (section 2.2 of its
/// manual). A value that reads back different from what was rendered is an injection.
/// </summary>
public static class FormatReaders
{
    /// <summary>KEY=VALUE pairs as systemd's EnvironmentFile= reads them.</summary>
    public static Dictionary<string, string> SystemdEnvironment(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var key = new StringBuilder();
        var value = new StringBuilder();
        var state = "PreKey";
        var trailingWhitespace = -1;
        void Push()
        {
            var v = value.ToString();
            if (state == "Value" && trailingWhitespace >= 0)
            {
                v = v[..trailingWhitespace];
            }

            result[key.ToString().TrimEnd()] = v;
            key.Clear();
            value.Clear();
            trailingWhitespace = -1;
        }

        foreach (var c in text)
        {
            switch (state)
            {
                case "PreKey":
                    if (c is '#' or ';')
                    {
                        state = "Comment";
                    }
                    else if (!char.IsWhiteSpace(c))
                    {
                        key.Append(c);
                        state = "Key";
                    }

                    break;
                case "Key":
                    if (c is '\n' or '\r')
                    {
                        key.Clear();
                        state = "PreKey";
                    }
                    else if (c == '=')
                    {
                        state = "PreValue";
                    }
                    else
                    {
                        key.Append(c);
                    }

                    break;
                case "PreValue":
                case "Value":
                    if (c is '\n' or '\r')
                    {
                        Push();
                        state = "PreKey";
                    }
                    else if (state == "PreValue" && c == '\'')
                    {
                        state = "Single";
                    }
                    else if (state == "PreValue" && c == '"')
                    {
                        state = "Double";
                    }
                    else if (c == '\\')
                    {
                        state = "ValueEscape";
                        trailingWhitespace = -1;
                    }
                    else if (state == "PreValue" && char.IsWhiteSpace(c))
                    {
                        // skipped
                    }
                    else
                    {
                        trailingWhitespace = char.IsWhiteSpace(c) ? (trailingWhitespace < 0 ? value.Length : trailingWhitespace) : -1;
                        value.Append(c);
                        state = "Value";
                    }

                    break;
                case "ValueEscape":
                    state = "Value";
                    if (c != '\n')
                    {
                        value.Append(c);
                    }

                    break;
                case "Single":
                    if (c == '\'')
                    {
                        state = "PreValue";
                    }
                    else
                    {
                        value.Append(c);
                    }

                    break;
                case "Double":
                    if (c == '"')
                    {
                        state = "PreValue";
                    }
                    else if (c == '\\')
                    {
                        state = "DoubleEscape";
                    }
                    else
                    {
                        value.Append(c);
                    }

                    break;
                case "DoubleEscape":
                    state = "Double";
                    if ("\"\\`$".Contains(c, StringComparison.Ordinal))
                    {
                        value.Append(c);
                    }
                    else if (c != '\n')
                    {
                        value.Append('\\').Append(c);
                    }

                    break;
                case "Comment":
                    if (c == '\n')
                    {
                        state = "PreKey";
                    }

                    break;
            }
        }

        if (state is "PreValue" or "Value" or "Single" or "Double")
        {
            Push();
        }

        return result;
    }

    /// <summary>The settings of a unit file, in order, as (section, key, value) with specifiers ('%%') resolved; any other specifier fails.</summary>
    public static List<(string Section, string Key, string Value)> SystemdUnit(string text)
    {
        var settings = new List<(string, string, string)>();
        var section = "";
        var lines = text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            if (trimmed.StartsWith('['))
            {
                section = trimmed.Trim('[', ']');
                continue;
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            Assert.That(equals, Is.GreaterThan(0), $"not a setting line: {line}");
            settings.Add((section, trimmed[..equals].Trim(), Specifiers(trimmed[(equals + 1)..].Trim())));
        }

        return settings;
    }

    /// <summary>The words of an ExecStart= value (specifiers already resolved): split, unquoted, C-unescaped, "$$" made "$".</summary>
    public static List<string> ExecWords(string value)
    {
        var words = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < value.Length && value[i] is ' ' or '\t')
            {
                i++;
            }

            if (i == value.Length)
            {
                return words;
            }

            var word = new StringBuilder();
            var quote = '\0';
            for (; i < value.Length; i++)
            {
                var c = value[i];
                if (quote == '\0' && c is ' ' or '\t')
                {
                    break;
                }

                if (c == '"' && (quote == '\0' || quote == '"'))
                {
                    quote = quote == '\0' ? '"' : '\0';
                }
                else if (c == '\'' && quote == '\0')
                {
                    Assert.Fail("single-quoted words are not written by HaKube");
                }
                else if (c == '\\')
                {
                    i = CUnescape(value, i, word);
                }
                else
                {
                    word.Append(c);
                }
            }

            Assert.That(quote, Is.EqualTo('\0'), "an unterminated quote");
            words.Add(Dollars(word.ToString()));
        }
    }

    /// <summary>The words of a haproxy.cfg line (comments dropped); environment variables in it fail.</summary>
    public static List<string> HaproxyWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote == '\'')
            {
                if (c == '\'')
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (quote == '\0' && c is ' ' or '\t')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            if (quote == '\0' && c == '#')
            {
                break;
            }

            inWord = true;
            if (c == '\'' && quote == '\0')
            {
                quote = '\'';
            }
            else if (c == '"')
            {
                quote = quote == '"' ? '\0' : '"';
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else
            {
                Assert.That(c, Is.Not.EqualTo('$'), "HAProxy would expand an environment variable here");
                word.Append(c);
            }
        }

        Assert.That(quote, Is.EqualTo('\0'), "an unterminated quote");
        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string Specifiers(string value)
    {
        var text = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%')
            {
                Assert.That(i + 1 < value.Length && value[i + 1] == '%', Is.True, $"a specifier would be expanded in: {value}");
                i++;
            }

            text.Append(value[i]);
        }

        return text.ToString();
    }

    private static string Dollars(string word)
    {
        var text = new StringBuilder();
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] == '$')
            {
                Assert.That(i + 1 < word.Length && word[i + 1] == '$', Is.True, $"a variable would be expanded in: {word}");
                i++;
            }

            text.Append(word[i]);
        }

        return text.ToString();
    }

    private static int CUnescape(string value, int i, StringBuilder word)
    {
        var next = value[++i];
        switch (next)
        {
            case 'n':
                word.Append('\n');
                return i;
            case 't':
                word.Append('\t');
                return i;
            case 'x':
                word.Append((char)int.Parse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                return i + 2;
            case 'u':
                word.Append((char)int.Parse(value.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                return i + 4;
            default:
                word.Append(next);
                return i;
        }
    }
}
