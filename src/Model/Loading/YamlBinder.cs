using System.Globalization;
using HaKube.Model.Schema;
using HaKube.Model.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaKube.Model.Loading;

/// <summary>
/// Binds YAML strictly, as the API server does with field validation on: unknown fields, missing
/// required fields and wrong types are errors, and binding goes on so one run reports them all.
/// </summary>
internal sealed class YamlBinder
{
    private readonly string _file;
    private readonly List<ManifestError> _errors;
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);

    public YamlBinder(string file, List<ManifestError> errors)
    {
        _file = file;
        _errors = errors;
    }

    public IReadOnlyDictionary<string, SourcePosition> Positions => _positions;

    /// <summary>Null when <paramref name="node"/> is not a mapping.</summary>
    public T? BindRecord<T>(YamlMappingNode node, string path, ISet<string>? ignoredFields = null)
        where T : class =>
        (T?)BindRecord(node, typeof(T), path, ignoredFields);

    private object? BindRecord(YamlMappingNode node, Type type, string path, ISet<string>? ignoredFields = null)
    {
        var fields = ModelShape.FieldsOf(type);
        var instance = Activator.CreateInstance(type)!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Report(keyNode, path, "field names must be plain strings");
                continue;
            }

            // A key that is no field name is cut in the path, so a huge one is not repeated whole.
            var fieldPath = Join(path, key.Length > 64 ? key[..64] + "..." : key);
            if (!seen.Add(key))
            {
                Report(keyNode, fieldPath, "duplicate field");
                continue;
            }

            if (ignoredFields?.Contains(key) == true)
            {
                continue;
            }

            var field = fields.FirstOrDefault(f => f.Name == key);
            if (field is null)
            {
                Report(keyNode, fieldPath, UnknownFieldMessage(key, fields));
                continue;
            }

            Remember(fieldPath, valueNode);
            if (IsNull(valueNode))
            {
                if (field.Required)
                {
                    Report(valueNode, fieldPath, $"required field is empty; expected {Expected(field.Type)}");
                }

                continue;
            }

            var value = Bind(valueNode, field.Type, fieldPath);
            if (value is not null)
            {
                field.Property.SetValue(instance, value);
            }
        }

        foreach (var missing in fields.Where(f => f.Required && !seen.Contains(f.Name)))
        {
            Report(node, Join(path, missing.Name), $"required field is missing; expected {Expected(missing.Type)}");
        }

        return instance;
    }

    private object? Bind(YamlNode node, Type type, string path)
    {
        if (ModelShape.IsList(type, out var element))
        {
            return BindList(node, element, path);
        }

        if (ModelShape.IsStringMap(type))
        {
            return BindStringMap(node, path);
        }

        if (ModelShape.IsRecord(type))
        {
            if (node is YamlMappingNode mapping)
            {
                return BindRecord(mapping, type, path);
            }

            Report(node, path, $"expected {Expected(type)}, got {Describe(node)}");
            return null;
        }

        return BindScalar(node, type, path);
    }

    private object? BindList(YamlNode node, Type element, string path)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Report(node, path, $"expected a list of {Expected(element)}, got {Describe(node)}");
            return null;
        }

        var items = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        var index = 0;
        foreach (var child in sequence.Children)
        {
            var itemPath = $"{path}[{index++}]";
            Remember(itemPath, child);
            if (IsNull(child))
            {
                Report(child, itemPath, $"expected {Expected(element)}, got an empty item");
                continue;
            }

            var value = Bind(child, element, itemPath);
            if (value is not null)
            {
                items.Add(value);
            }
        }

        return items;
    }

    private Dictionary<string, string>? BindStringMap(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            Report(node, path, $"expected a map of strings, got {Describe(node)}");
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Report(keyNode, path, "keys must be strings");
                continue;
            }

            var entryPath = SourceMap.KeyPath(path, key);
            Remember(entryPath, valueNode);
            if (valueNode is not YamlScalarNode scalar)
            {
                Report(valueNode, entryPath, $"expected a string, got {Describe(valueNode)}");
                continue;
            }

            if (!map.TryAdd(key, scalar.Value ?? ""))
            {
                Report(keyNode, entryPath, "duplicate key");
            }
        }

        return map;
    }

    private object? BindScalar(YamlNode node, Type type, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Report(node, path, $"expected {Expected(type)}, got {Describe(node)}");
            return null;
        }

        var text = scalar.Value ?? "";
        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(int))
        {
            // Only the canonical print: "022" is octal to a YAML 1.1 reader and "+22" is no number to others.
            if (!quoted && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                && string.Equals(number.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal))
            {
                return number;
            }

            Report(node, path, $"expected an integer, got {Quote(text, quoted)}");
            return null;
        }

        if (type == typeof(bool))
        {
            if (!quoted && text is "true" or "false")
            {
                return text == "true";
            }

            Report(node, path, $"expected true or false, got {Quote(text, quoted)}");
            return null;
        }

        if (type.IsEnum)
        {
            // API enums are case-sensitive, as in Kubernetes.
            if (Enum.GetNames(type).Contains(text, StringComparer.Ordinal))
            {
                return Enum.Parse(type, text);
            }

            Report(node, path, $"unsupported value {Printable.Quote(text)}; expected one of {string.Join(", ", Enum.GetNames(type))}");
            return null;
        }

        throw new NotSupportedException($"API field type {type} has no YAML binding");
    }

    private void Remember(string path, YamlNode node) =>
        _positions[path] = new SourcePosition((int)node.Start.Line, (int)node.Start.Column);

    private void Report(YamlNode node, string path, string message) =>
        _errors.Add(new ManifestError(_file, (int)node.Start.Line, (int)node.Start.Column, path, message));

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Quote(string text, bool quoted) => quoted ? $"the string {Printable.Quote(text)}" : Printable.Quote(text);

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a map",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => Printable.Quote(scalar.Value ?? ""),
        _ => "an alias",
    };

    private static string Expected(Type type)
    {
        if (ModelShape.IsList(type, out var element))
        {
            return $"a list of {Expected(element)}";
        }

        if (ModelShape.IsStringMap(type))
        {
            return "a map of strings";
        }

        if (ModelShape.IsRecord(type))
        {
            return $"a map with {string.Join(", ", ModelShape.FieldsOf(type).Where(f => f.Required).Select(f => f.Name).DefaultIfEmpty("optional fields"))}";
        }

        if (type.IsEnum)
        {
            return $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return type == typeof(int) ? "an integer" : type == typeof(bool) ? "true or false" : "a string";
    }

    private static string UnknownFieldMessage(string key, IReadOnlyList<ApiField> fields)
    {
        var closest = key.Length > 64 ? null : fields
            .Select(f => (f.Name, Distance: EditDistance.Between(key.ToLowerInvariant(), f.Name.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, key.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        var known = string.Join(", ", fields.Select(f => f.Name));
        return closest is null
            ? $"unknown field {Printable.Quote(key)}; expected one of {known}"
            : $"unknown field {Printable.Quote(key)}; did you mean \"{closest}\"?";
    }
}
