using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// Checks a kubeadm configuration file the way kubeadm decodes it: each YAML document goes through
/// go-yaml v2 scalar resolution to JSON, then strict, case-sensitive JSON decoding into the Go type
/// its apiVersion and kind name. Reports unknown fields, duplicate keys, type mismatches, values
/// the custom decoders refuse (durations, times, quantities, bootstrap tokens) and apiVersion/kind
/// pairs kubeadm does not take, each with file:line:column.
/// </summary>
internal sealed partial class KubeadmSchemaChecker(KubeadmSchema schema)
{
    public KubeadmSchemaReport Check(string file, string text)
    {
        var problems = new List<KubeadmSchemaProblem>();
        IReadOnlyList<GoYamlDocument> documents;
        try
        {
            documents = GoYamlReader.Read(text);
        }
        catch (YamlException e)
        {
            problems.Add(new KubeadmSchemaProblem(file, (int)e.Start.Line, (int)e.Start.Column, "", "", $"invalid YAML: {e.Message}"));
            return new KubeadmSchemaReport(0, problems);
        }

        var decoded = 0;
        foreach (var document in documents)
        {
            if (document.Root is null || document.Root is GoYamlScalarNode scalar && GoYamlScalars.Resolve(scalar).Kind == GoScalarKind.Null)
            {
                continue;  // an empty document: nothing for kubeadm to decode
            }

            decoded++;
            new DocumentCheck(schema, file, problems).Run(document.Root);
        }

        return new KubeadmSchemaReport(decoded, problems);
    }

    public KubeadmSchemaReport CheckFile(string path) => Check(path, File.ReadAllText(path));

    private sealed class DocumentCheck(KubeadmSchema schema, string file, List<KubeadmSchemaProblem> problems)
    {
        private string _document = "";

        public void Run(GoYamlNode root)
        {
            if (root is not GoYamlMappingNode mapping)
            {
                Report(root, "", "a kubeadm configuration document must be a mapping with apiVersion and kind");
                return;
            }

            var (apiVersion, apiVersionNode) = TypeMetaString(mapping, "apiVersion");
            var (kind, kindNode) = TypeMetaString(mapping, "kind");
            _document = $"{apiVersion ?? "?"} {kind ?? "?"}";
            if (apiVersion is null || kind is null)
            {
                Report(root, "", "apiVersion and kind are required (as strings)");
                return;
            }

            if (!schema.Documents.TryGetValue(apiVersion, out var kinds))
            {
                Report(apiVersionNode!, "apiVersion", $"kubeadm takes no documents of apiVersion \"{apiVersion}\"; known: {string.Join(", ", schema.Documents.Keys)}");
                return;
            }

            if (!kinds.TryGetValue(kind, out var rootStruct))
            {
                Report(kindNode!, "kind", $"{apiVersion} has no kind \"{kind}\" that kubeadm takes; known: {string.Join(", ", kinds.Keys)}");
                return;
            }

            CheckValue(mapping, new KubeadmSchemaType("struct", Ref: rootStruct), "");
        }

        private static (string? Value, GoYamlNode? Node) TypeMetaString(GoYamlMappingNode mapping, string field)
        {
            var entry = mapping.Entries.LastOrDefault(e => e.Key is GoYamlScalarNode key && GoYamlScalars.Resolve(key) is { Kind: GoScalarKind.String } k && k.Text == field);
            return entry?.Value is GoYamlScalarNode value && GoYamlScalars.Resolve(value) is { Kind: GoScalarKind.String } resolved
                ? (resolved.Text, value)
                : (null, null);
        }

        private void CheckValue(GoYamlNode node, KubeadmSchemaType type, string path)
        {
            switch (node)
            {
                case GoYamlMappingNode mapping:
                    CheckMapping(mapping, type, path);
                    break;
                case GoYamlSequenceNode sequence:
                    if (type.Kind == "any")
                    {
                        CheckChildren(sequence, type, path);
                    }
                    else if (type.Kind != "list")
                    {
                        Report(node, path, $"want {type.Describe()}, found a list");
                    }
                    else
                    {
                        CheckChildren(sequence, type.Items!, path);
                    }

                    break;
                case GoYamlScalarNode scalar:
                    CheckScalar(scalar, GoYamlScalars.Resolve(scalar), type, path);
                    break;
            }
        }

        private void CheckChildren(GoYamlSequenceNode sequence, KubeadmSchemaType itemType, string path)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                CheckValue(sequence.Items[i], itemType, $"{path}[{i}]");
            }
        }

        private void CheckMapping(GoYamlMappingNode mapping, KubeadmSchemaType type, string path)
        {
            IReadOnlyDictionary<string, KubeadmSchemaType>? fields = null;
            switch (type.Kind)
            {
                case "struct":
                    fields = schema.Structs[type.Ref!];
                    break;
                case "map" or "any":
                    break;
                default:
                    Report(mapping, path, $"want {type.Describe()}, found a mapping");
                    return;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Entries.Select(e => (e.Key, e.Value)))
            {
                var name = JsonKey(keyNode, path);
                if (name is null)
                {
                    continue;
                }

                var childPath = type.Kind == "map" ? $"{path}[{name}]" : Join(path, name);
                if (!seen.Add(name))
                {
                    Report(keyNode, childPath, $"duplicate key \"{name}\"");
                    continue;
                }

                if (fields is null)
                {
                    CheckValue(value, type.Kind == "map" ? type.Values! : type, childPath);
                }
                else if (fields.TryGetValue(name, out var fieldType))
                {
                    CheckValue(value, fieldType, childPath);
                }
                else
                {
                    var near = fields.Keys.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
                    Report(keyNode, childPath, $"unknown field \"{name}\" in {type.Ref}{(near is null ? "" : $" (did you mean \"{near}\"? field names are case-sensitive)")}");
                }
            }
        }

        // sigs.k8s.io/yaml turns resolved keys into JSON object keys: strings as they are,
        // numbers and booleans as their text; anything else fails the conversion.
        private string? JsonKey(GoYamlNode key, string path)
        {
            if (key is not GoYamlScalarNode scalar)
            {
                Report(key, path, "a mapping key must be a scalar");
                return null;
            }

            if (GoYamlScalars.IsMergeKey(scalar))
            {
                Report(key, path, "merge keys (<<) are not checked; write the fields out");
                return null;
            }

            var value = GoYamlScalars.Resolve(scalar);
            switch (value.Kind)
            {
                case GoScalarKind.String:
                    return value.Text;
                case GoScalarKind.Bool:
                    return value.Bool ? "true" : "false";
                case GoScalarKind.Int:
                    return value.Integer.ToString(CultureInfo.InvariantCulture);
                case GoScalarKind.Float when double.IsFinite(value.Float):
                    // Go formats float keys with strconv.FormatFloat(f, 'g', -1, 32).
                    return value.IsJsonInteger(out var integral) && BigInteger.Abs(integral) < 1_000_000
                        ? integral.ToString(CultureInfo.InvariantCulture)
                        : ((float)value.Float).ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
                default:
                    Report(key, path, $"a mapping key cannot be {value.Describe()}");
                    return null;
            }
        }

        private void CheckScalar(GoYamlScalarNode node, GoScalarValue value, KubeadmSchemaType type, string path)
        {
            if (value.Kind == GoScalarKind.Invalid)
            {
                Report(node, path, value.Error!);
                return;
            }

            if (value.Kind == GoScalarKind.Float && !double.IsFinite(value.Float))
            {
                Report(node, path, $"{value.Text} has no JSON form (json: unsupported value)");
                return;
            }

            if (value.Kind == GoScalarKind.Null)
            {
                // encoding/json leaves a field alone on null, except where a non-pointer value's
                // UnmarshalJSON sees it: meta/v1.Duration then parses "" and fails.
                if (type.Kind == "duration" && !type.Pointer)
                {
                    Report(node, path, "null is not a duration (time: invalid duration \"\")");
                }

                return;
            }

            var problem = type.Kind switch
            {
                "string" => value.Kind == GoScalarKind.String ? null : Mismatch(type, value),
                "bool" => value.Kind == GoScalarKind.Bool ? null : Mismatch(type, value),
                "int" => value.IsJsonInteger(out var integer) ? RangeProblem(type, integer) : Mismatch(type, value),
                "float" => value.Kind is GoScalarKind.Int or GoScalarKind.Float ? null : Mismatch(type, value),
                "bytes" => value.Kind == GoScalarKind.String && IsBase64(value.Text) ? null : Mismatch(type, value),
                "any" => null,
                "duration" => value.Kind == GoScalarKind.String ? GoDuration.Problem(value.Text) : Mismatch(type, value),
                "time" => value.Kind == GoScalarKind.String && GoRfc3339.IsValid(value.Text) ? null : Mismatch(type, value),
                "quantity" => value.Kind is GoScalarKind.Int or GoScalarKind.Float || value.Kind == GoScalarKind.String && GoQuantity.IsValid(value.Text.Trim())
                    ? null
                    : Mismatch(type, value),
                "bootstrapToken" => value.Kind == GoScalarKind.String && BootstrapToken().IsMatch(value.Text.Replace("\"", "", StringComparison.Ordinal))
                    ? null
                    : Mismatch(type, value),
                "durationOrNanoseconds" => value.Kind == GoScalarKind.String ? GoDuration.Problem(value.Text)
                    : value.IsJsonInteger(out var nanoseconds) ? RangeProblem(new KubeadmSchemaType("int", Bits: 64, Signed: true), nanoseconds)
                    : Mismatch(type, value),
                _ => $"want {type.Describe()}, found {value.Describe()}",
            };
            if (problem is not null)
            {
                Report(node, path, problem);
            }
        }

        private static string Mismatch(KubeadmSchemaType type, GoScalarValue value)
        {
            var hint = value.Kind != GoScalarKind.String && type.Kind is "string" or "duration" or "time" or "bootstrapToken"
                ? "; quote it"
                : "";
            return $"want {type.Describe()}, found {value.Describe()}{hint}";
        }

        private static string? RangeProblem(KubeadmSchemaType type, BigInteger value)
        {
            var min = type.Signed ? -BigInteger.Pow(2, type.Bits - 1) : BigInteger.Zero;
            var max = (type.Signed ? BigInteger.Pow(2, type.Bits - 1) : BigInteger.Pow(2, type.Bits)) - 1;
            return value >= min && value <= max ? null : $"{value} does not fit {type.Describe()}";
        }

        private static bool IsBase64(string text)
        {
            var buffer = new byte[text.Length];
            return Convert.TryFromBase64String(text, buffer, out _);
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private void Report(GoYamlNode node, string path, string message) =>
            problems.Add(new KubeadmSchemaProblem(file, node.Line, node.Column, _document, path, message));
    }

    // k8s.io/cluster-bootstrap's BootstrapTokenPattern.
    [GeneratedRegex(@"^[a-z0-9]{6}\.[a-z0-9]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex BootstrapToken();
}
