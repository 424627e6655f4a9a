using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// Resolves scalars the way go-yaml v2 (sigs.k8s.io/yaml's fork, which kubeadm's decoder uses)
/// does before converting YAML to JSON: YAML 1.1 booleans (yes/no/on/off/y/n), nulls, integers
/// through Go's strconv.ParseInt with base prefixes (0x, 0o, 0b, leading-0 octal) after dropping
/// underscores, then floats of YAML's float syntax. Quoted and block scalars are strings.
/// </summary>
internal static partial class GoYamlScalars
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    // The scalars go-yaml v2 finds in its resolve map; only text starting with one of these
    // characters is looked up or parsed as a number at all.
    private const string ResolvableFirstCharacters = "+-0123456789.yYnNtTfFoO~";

    private static readonly Dictionary<string, GoScalarValue> Table = BuildTable();

    public static GoScalarValue Resolve(GoYamlScalarNode node)
    {
        if (node.Tag is null)
        {
            return node.Plain ? ResolvePlain(node.Text) : GoScalarValue.String(node.Text);
        }

        var tag = node.Tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal) ? node.Tag[CoreTagPrefix.Length..] : null;
        switch (tag)
        {
            case "str" or "binary" or "timestamp":
                return GoScalarValue.String(node.Text);
            case "bool" or "int" or "float" or "null":
                var resolved = ResolvePlain(node.Text);
                var resolvedTag = TagOf(resolved.Kind);
                if (resolvedTag == tag)
                {
                    return resolved;
                }

                if (tag == "float" && resolved.Kind == GoScalarKind.Int)
                {
                    return new GoScalarValue(GoScalarKind.Float, node.Text, Float: (double)resolved.Integer);
                }

                return GoScalarValue.Invalid(node.Text, $"cannot decode !!{resolvedTag} `{node.Text}` as a !!{tag}");
            default:
                // go-yaml keeps the text of scalars with tags it does not resolve.
                return GoScalarValue.String(node.Text);
        }
    }

    private static string TagOf(GoScalarKind kind) => kind switch
    {
        GoScalarKind.Null => "null",
        GoScalarKind.Bool => "bool",
        GoScalarKind.Int => "int",
        GoScalarKind.Float => "float",
        _ => "str",
    };

    /// <summary>True for a plain "&lt;&lt;" key: a YAML merge, which this checker does not follow.</summary>
    public static bool IsMergeKey(GoYamlScalarNode node) =>
        node.Text == "<<" && ((node.Plain && node.Tag is null) || node.Tag == CoreTagPrefix + "merge");

    private static GoScalarValue ResolvePlain(string text)
    {
        if (text.Length == 0)
        {
            return GoScalarValue.Null(text);
        }

        if (!ResolvableFirstCharacters.Contains(text[0], StringComparison.Ordinal))
        {
            return GoScalarValue.String(text);
        }

        if (Table.TryGetValue(text, out var known))
        {
            return known with { Text = text };
        }

        if (text[0] == '.')
        {
            return LeadingDotFloat().IsMatch(text) && TryParseFloat(text, out var fraction)
                ? new GoScalarValue(GoScalarKind.Float, text, Float: fraction)
                : GoScalarValue.String(text);
        }

        if (!"+-0123456789".Contains(text[0], StringComparison.Ordinal))
        {
            return GoScalarValue.String(text);
        }

        var plain = text.Replace("_", "", StringComparison.Ordinal);
        var isInteger = TryParseGoInteger(plain, allowSign: true, out var integer);
        if (isInteger && integer >= long.MinValue && integer <= long.MaxValue)
        {
            return new GoScalarValue(GoScalarKind.Int, text, Integer: integer);
        }

        if (TryParseGoInteger(plain, allowSign: false, out var unsigned) && unsigned <= ulong.MaxValue)
        {
            return new GoScalarValue(GoScalarKind.Int, text, Integer: unsigned);
        }

        if (YamlStyleFloat().IsMatch(plain) && TryParseFloat(plain, out var number))
        {
            return new GoScalarValue(GoScalarKind.Float, text, Float: number);
        }

        // Out of 64-bit range and not float syntax (0x... with many digits): go-yaml keeps a big.Int.
        return isInteger ? new GoScalarValue(GoScalarKind.Int, text, Integer: integer) : GoScalarValue.String(text);
    }

    /// <summary>Go's strconv.ParseInt/ParseUint with base 0, without the range check.</summary>
    private static bool TryParseGoInteger(string text, bool allowSign, out BigInteger value)
    {
        value = BigInteger.Zero;
        var negative = false;
        var s = text;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            if (!allowSign)
            {
                return false;
            }

            negative = s[0] == '-';
            s = s[1..];
        }

        var radix = 10;
        if (s.Length > 1 && s[0] == '0')
        {
            (radix, s) = char.ToLowerInvariant(s[1]) switch
            {
                'x' => (16, s[2..]),
                'b' => (2, s[2..]),
                'o' => (8, s[2..]),
                _ => (8, s[1..]),
            };
        }

        if (s.Length == 0)
        {
            return false;
        }

        foreach (var c in s)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }

            value = value * radix + digit;
        }

        value = negative ? -value : value;
        return true;
    }

    // Go's ParseFloat fails on overflow, so go-yaml keeps such text as a string.
    private static bool TryParseFloat(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static Dictionary<string, GoScalarValue> BuildTable()
    {
        var table = new Dictionary<string, GoScalarValue>(StringComparer.Ordinal);
        foreach (var word in new[] { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" })
        {
            table[word] = new GoScalarValue(GoScalarKind.Bool, word, Bool: true);
        }

        foreach (var word in new[] { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" })
        {
            table[word] = new GoScalarValue(GoScalarKind.Bool, word, Bool: false);
        }

        foreach (var word in new[] { "~", "null", "Null", "NULL" })
        {
            table[word] = GoScalarValue.Null(word);
        }

        foreach (var word in new[] { ".nan", ".NaN", ".NAN" })
        {
            table[word] = new GoScalarValue(GoScalarKind.Float, word, Float: double.NaN);
        }

        foreach (var word in new[] { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" })
        {
            table[word] = new GoScalarValue(GoScalarKind.Float, word, Float: double.PositiveInfinity);
        }

        foreach (var word in new[] { "-.inf", "-.Inf", "-.INF" })
        {
            table[word] = new GoScalarValue(GoScalarKind.Float, word, Float: double.NegativeInfinity);
        }

        return table;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlStyleFloat();

    [GeneratedRegex(@"^\.[0-9]+([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingDotFloat();
}
