using System.Globalization;
using System.Text.Json;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>One HaCluster custom resource as the API server last showed it: the metadata the loop acts on, and the raw object.</summary>
public sealed record HaClusterObject(string Namespace, string Name, long Generation, string ResourceVersion, string? Uid, bool Deleting, IReadOnlyList<string> Finalizers, JsonElement Raw)
{
    public const string Group = "hakube.io";
    public const string Version = "v1alpha1";
    public const string Plural = "haclusters";
    public const string Kind = "HaCluster";

    /// <summary>Held while HaKube manages the cluster, so a deletion is seen before the object goes.</summary>
    public const string Finalizer = "hakube.io/finalizer";

    /// <summary>The work-queue key: namespace/name.</summary>
    public string Key => KeyOf(Namespace, Name);

    public bool HasFinalizer => Finalizers.Contains(Finalizer, StringComparer.Ordinal);

    public static string KeyOf(string ns, string name) => ns + "/" + name;

    public static HaClusterObject From(JsonElement obj)
    {
        var metadata = obj.GetProperty("metadata");
        var finalizers = metadata.TryGetProperty("finalizers", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(f => f.GetString() ?? "").ToList()
            : [];
        return new HaClusterObject(
            Text(metadata, "namespace") ?? "",
            Text(metadata, "name") ?? "",
            metadata.TryGetProperty("generation", out var generation) && generation.ValueKind == JsonValueKind.Number ? generation.GetInt64() : 0,
            Text(metadata, "resourceVersion") ?? "",
            Text(metadata, "uid"),
            metadata.TryGetProperty("deletionTimestamp", out var deletion) && deletion.ValueKind != JsonValueKind.Null,
            finalizers,
            obj.Clone());
    }

    /// <summary>Reads a resourceVersion as a number, for ordering; 0 when it is not one (it is opaque to clients in general).</summary>
    public static long Order(string? resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
