using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>The stand-in's writes: updates, merge patches, the status subresource, deletion and finalizers.</summary>
internal sealed partial class StandinApiServer
{
    /// <summary>The clock deletionTimestamp is read from; tests may replace it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    private (HttpStatusCode, JsonObject) Update(string resource, string ns, string name, JsonObject? body, bool status, bool merge)
    {
        if (body is null)
        {
            return (HttpStatusCode.BadRequest, Status(HttpStatusCode.BadRequest, "BadRequest", "no body"));
        }

        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(resource, ns, name), out var existing))
            {
                return NotFound(resource, name);
            }

            if (body["metadata"]?["resourceVersion"]?.GetValue<string>() is { } expected && expected != existing["metadata"]!["resourceVersion"]!.GetValue<string>())
            {
                return (HttpStatusCode.Conflict, Status(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"));
            }

            var incoming = merge ? (JsonObject)MergePatch(existing.DeepClone(), body)! : body;
            var next = resource == HaClusters ? Next(existing, incoming, status) : incoming;
            var metadata = next["metadata"]!.AsObject();
            metadata["name"] = name;
            metadata["namespace"] = ns;
            metadata["uid"] = existing["metadata"]!["uid"]!.DeepClone();
            metadata["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.DeepClone();
            if (JsonNode.DeepEquals(next, existing))
            {
                return (HttpStatusCode.OK, (JsonObject)existing.DeepClone()); // a no-op write is not a new version
            }

            if (resource == HaClusters && metadata["deletionTimestamp"] is not null && (metadata["finalizers"] as JsonArray ?? []).Count == 0)
            {
                _objects.Remove(Key(resource, ns, name));
                Stamp(next);
                Record(resource, "DELETED", ns, next);
                return (HttpStatusCode.OK, (JsonObject)next.DeepClone());
            }

            Stamp(next);
            _objects[Key(resource, ns, name)] = next;
            Record(resource, "MODIFIED", ns, next);
            return (HttpStatusCode.OK, (JsonObject)next.DeepClone());
        }
    }

    // The status subresource splits an HaCluster in two: /status writes status only, the main
    // resource everything else; generation counts spec changes.
    private static JsonObject Next(JsonObject existing, JsonObject incoming, bool status)
    {
        var next = (JsonObject)existing.DeepClone();
        if (status)
        {
            next["status"] = incoming["status"]?.DeepClone();
            return next;
        }

        var metadata = next["metadata"]!.AsObject();
        var asked = incoming["metadata"] as JsonObject ?? [];
        foreach (var field in new[] { "labels", "annotations", "finalizers" })
        {
            metadata[field] = asked[field]?.DeepClone();
            if (metadata[field] is null)
            {
                metadata.Remove(field);
            }
        }

        if (!JsonNode.DeepEquals(existing["spec"], incoming["spec"]))
        {
            next["spec"] = incoming["spec"]?.DeepClone();
            metadata["generation"] = long.Parse(metadata["generation"]!.ToJsonString(), CultureInfo.InvariantCulture) + 1;
        }

        return next;
    }

    private (HttpStatusCode, JsonObject) Delete(string ns, string name)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(HaClusters, ns, name), out var existing))
            {
                return NotFound(HaClusters, name);
            }

            var metadata = existing["metadata"]!.AsObject();
            if ((metadata["finalizers"] as JsonArray ?? []).Count > 0)
            {
                if (metadata["deletionTimestamp"] is null)
                {
                    metadata["deletionTimestamp"] = Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                    Stamp(existing);
                    Record(HaClusters, "MODIFIED", ns, existing);
                }

                return (HttpStatusCode.Accepted, (JsonObject)existing.DeepClone());
            }

            _objects.Remove(Key(HaClusters, ns, name));
            Stamp(existing);
            Record(HaClusters, "DELETED", ns, existing);
            return (HttpStatusCode.OK, (JsonObject)existing.DeepClone());
        }
    }

    /// <summary>RFC 7386: objects merge key by key, null removes, anything else replaces.</summary>
    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatch(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }

        return result;
    }
}
