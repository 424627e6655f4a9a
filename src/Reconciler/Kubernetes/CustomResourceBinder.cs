using System.Text.Json;
using System.Text.Json.Nodes;
using HaKube.Model.Loading;
using HaKube.Model.Validation;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Binds a custom resource through the same strict binder and validator as a file, so its errors
/// read the same. JSON is YAML: the object is re-serialized, indented, with only what a manifest
/// may carry (the API server's own metadata - uid, resourceVersion, managedFields - is not the
/// user's and would be refused as unknown fields).
/// </summary>
internal static class CustomResourceBinder
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The manifest, or every error, each naming "namespace/name" where a file would be named.</summary>
    public static ParseResult Bind(HaClusterObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var raw = resource.Raw;
        var metadata = new JsonObject { ["name"] = resource.Name, ["namespace"] = resource.Namespace };
        var source = raw.GetProperty("metadata");
        foreach (var field in new[] { "labels", "annotations" })
        {
            if (source.TryGetProperty(field, out var value))
            {
                metadata[field] = JsonNode.Parse(value.GetRawText());
            }
        }

        var document = new JsonObject
        {
            ["apiVersion"] = raw.TryGetProperty("apiVersion", out var apiVersion) ? JsonNode.Parse(apiVersion.GetRawText()) : null,
            ["kind"] = raw.TryGetProperty("kind", out var kind) ? JsonNode.Parse(kind.GetRawText()) : null,
            ["metadata"] = metadata,
            ["spec"] = raw.TryGetProperty("spec", out var spec) ? JsonNode.Parse(spec.GetRawText()) : null,
        };
        return HaClusterValidator.ParseAndValidate(document.ToJsonString(Indented), resource.Key, ValidationOptions.CustomResource);
    }
}
