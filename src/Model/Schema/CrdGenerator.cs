using System.ComponentModel.DataAnnotations;
using System.Reflection;
using HaKube.Model.Api;
using HaKube.Model.Status;
using YamlDotNet.Serialization;

namespace HaKube.Model.Schema;

/// <summary>Derives the HaCluster CRD from the API records, so crds/hakube.io_haclusters.yaml never drifts from the model.</summary>
public static class CrdGenerator
{
    public const string Group = "hakube.io";
    public const string Plural = "haclusters";

    /// <summary>Byte for byte what is checked in.</summary>
    public static string Render()
    {
        var root = new Dictionary<string, object>
        {
            ["type"] = "object",
            ["description"] = "A highly available Kubernetes cluster built and kept by HaKube on hosts it reaches over SSH.",
            ["required"] = new[] { "spec" },
            ["properties"] = new Dictionary<string, object>
            {
                ["apiVersion"] = new Dictionary<string, object> { ["type"] = "string" },
                ["kind"] = new Dictionary<string, object> { ["type"] = "string" },
                ["metadata"] = new Dictionary<string, object> { ["type"] = "object" },
                ["spec"] = SchemaOf(typeof(HaClusterSpec), "The desired state of the cluster."),
                ["status"] = SchemaOf(typeof(HaClusterStatus), "What HaKube last observed and did."),
            },
        };
        var crd = new Dictionary<string, object>
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new Dictionary<string, object> { ["name"] = $"{Plural}.{Group}" },
            ["spec"] = new Dictionary<string, object>
            {
                ["group"] = Group,
                ["names"] = new Dictionary<string, object>
                {
                    ["kind"] = HaCluster.KindName,
                    ["listKind"] = $"{HaCluster.KindName}List",
                    ["plural"] = Plural,
                    ["singular"] = "hacluster",
                    ["shortNames"] = new[] { "hac" },
                    ["categories"] = new[] { "hakube" },
                },
                ["scope"] = "Namespaced",
                ["versions"] = new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["name"] = "v1alpha1",
                        ["served"] = true,
                        ["storage"] = true,
                        ["subresources"] = new Dictionary<string, object> { ["status"] = new Dictionary<string, object>() },
                        ["additionalPrinterColumns"] = PrinterColumns(),
                        ["schema"] = new Dictionary<string, object> { ["openAPIV3Schema"] = root },
                    },
                },
            },
        };
        var serializer = new SerializerBuilder().DisableAliases().Build();
        return "# Generated from src/Model by `hakube generate crd`; do not edit. A test fails when it drifts.\n"
            + serializer.Serialize(crd);
    }

    private static object[] PrinterColumns() =>
    [
        Column("Phase", "string", ".status.phase", "Pending, Converging, Ready, Degraded, Paused or Failed"),
        Column("Ready hosts", "string", ".status.readyHosts", "Hosts reachable and converged, of all hosts"),
        Column("Version", "string", ".spec.kubernetesVersion", "Kubernetes version"),
        Column("Endpoint", "string", ".spec.controlPlaneEndpoint.host", "Control-plane endpoint"),
        Column("Age", "date", ".metadata.creationTimestamp", "Age"),
    ];

    private static Dictionary<string, object> Column(string name, string type, string path, string description) =>
        new() { ["name"] = name, ["type"] = type, ["jsonPath"] = path, ["description"] = description };

    private static Dictionary<string, object> SchemaOf(Type type, string description, PropertyInfo? property = null)
    {
        var schema = new Dictionary<string, object>();
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ModelShape.IsList(type, out var element))
        {
            // A list's constraints are its items' (a host name pattern on etcd.hosts constrains each name).
            schema["type"] = "array";
            schema["items"] = SchemaOf(element, "", property);
            if (property?.GetCustomAttribute<MaxLengthAttribute>() is { } count)
            {
                schema["maxItems"] = count.Length; // the list's own bound, unlike the constraints above
            }

            Describe(schema, description);
            return schema;
        }

        if (ModelShape.IsStringMap(type))
        {
            // A map's constraints are its values' (the API server's structural schemas cannot constrain keys).
            schema["type"] = "object";
            var values = new Dictionary<string, object> { ["type"] = "string" };
            AddConstraints(values, property);
            schema["additionalProperties"] = values;
            Describe(schema, description);
            return schema;
        }
        else if (type == typeof(string))
        {
            schema["type"] = "string";
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            schema["type"] = "integer";
            schema["format"] = type == typeof(int) ? "int32" : "int64";
        }
        else if (type == typeof(bool))
        {
            schema["type"] = "boolean";
        }
        else if (type == typeof(DateTimeOffset))
        {
            schema["type"] = "string";
            schema["format"] = "date-time";
        }
        else if (type.IsEnum)
        {
            schema["type"] = "string";
            schema["enum"] = Enum.GetNames(type);
        }
        else
        {
            schema["type"] = "object";
            var fields = ModelShape.FieldsOf(type);
            var required = fields.Where(f => f.Required).Select(f => f.Name).ToArray();
            if (required.Length > 0)
            {
                schema["required"] = required;
            }

            schema["properties"] = fields.ToDictionary(f => f.Name, f => (object)SchemaOf(f.Property.PropertyType, f.Description, f.Property));
        }

        Describe(schema, description);
        AddConstraints(schema, property);
        return schema;
    }

    private static void Describe(Dictionary<string, object> schema, string description)
    {
        if (description.Length > 0)
        {
            schema["description"] = description;
        }
    }

    private static void AddConstraints(Dictionary<string, object> schema, PropertyInfo? property)
    {
        if (property?.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = range.Minimum;
            schema["maximum"] = range.Maximum;
        }

        if (property?.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (property?.GetCustomAttribute<StringLengthAttribute>() is { } length)
        {
            if (length.MinimumLength > 0)
            {
                schema["minLength"] = length.MinimumLength;
            }

            schema["maxLength"] = length.MaximumLength;
        }

        if (property?.GetCustomAttribute<FormatAttribute>() is { } format)
        {
            schema["format"] = format.Format;
        }
    }
}
