using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>The stand-in's routes: which path and verb reach which store operation.</summary>
internal sealed partial class StandinApiServer
{
    public const string HaClusters = "haclusters";
    public const string Secrets = "secrets";
    public const string Leases = "leases";

    [GeneratedRegex("^/(?:api/v1|apis/(?<group>[a-z0-9.]+)/(?<version>v[0-9a-z]+))/namespaces/(?<ns>[a-z0-9-]+)/(?<resource>[a-z]+)(?:/(?<name>[a-z0-9.-]+))?(?<status>/status)?$")]
    private static partial Regex PathPattern();

    private async Task RouteAsync(HttpListenerRequest request, HttpListenerResponse response)
    {
        var match = PathPattern().Match(request.Url!.AbsolutePath);
        if (!match.Success)
        {
            await WriteAsync(response, HttpStatusCode.NotFound, Status(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource"));
            return;
        }

        var group = match.Groups["group"].Success ? match.Groups["group"].Value : "";
        var ns = match.Groups["ns"].Value;
        var resource = match.Groups["resource"].Value;
        var name = match.Groups["name"].Success ? match.Groups["name"].Value : null;
        var status = match.Groups["status"].Success;
        var known = (group, resource) is ("hakube.io", HaClusters) or ("", Secrets) or ("coordination.k8s.io", Leases) or ("", "events");
        if (!known || (status && resource != HaClusters))
        {
            await WriteAsync(response, HttpStatusCode.NotFound, Status(HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource ({group}/{resource})"));
            return;
        }

        if (Forbidden.Contains(resource))
        {
            // As RBAC answers a verb the caller's role lacks.
            var verb = request.HttpMethod switch { "POST" => "create", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => name is null ? "list" : "get" };
            await WriteAsync(response, HttpStatusCode.Forbidden, Status(HttpStatusCode.Forbidden, "Forbidden", $"{resource} is forbidden: User \"system:serviceaccount:{ns}:hakube\" cannot {verb} resource \"{resource}\" in API group \"{group}\" in the namespace \"{ns}\""));
            return;
        }

        var body = request.HasEntityBody ? await JsonNode.ParseAsync(request.InputStream) as JsonObject : null;
        var (code, answer) = (request.HttpMethod, name, resource) switch
        {
            ("GET", null, HaClusters) when IsWatch(request) => (HttpStatusCode.OK, null),
            ("GET", null, HaClusters) => List(ns),
            ("GET", not null, _) => Read(resource, ns, name),
            ("POST", null, "events") => CreateEvent(body),
            ("GET", null, Secrets) => ListSecrets(ns),
            ("POST", null, HaClusters or Leases or Secrets) => Create(resource, ns, body),
            ("PUT", not null, HaClusters or Leases or Secrets) => Update(resource, ns, name, body, status, merge: false),
            ("PATCH", not null, HaClusters) when request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) == true
                => Update(resource, ns, name, body, status, merge: true),
            ("PATCH", not null, HaClusters) => (HttpStatusCode.UnsupportedMediaType, Status(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the stand-in takes merge patches only, not {request.ContentType}")),
            ("DELETE", not null, HaClusters) => Delete(ns, name),
            _ => (HttpStatusCode.MethodNotAllowed, Status(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{request.HttpMethod} is not supported on {resource} here")),
        };
        if (answer is null)
        {
            await StreamAsync(request, response, ns);
            return;
        }

        await WriteAsync(response, code, answer);
    }

    private static bool IsWatch(HttpListenerRequest request) => request.QueryString["watch"] is "1" or "true";

    private static (HttpStatusCode, JsonObject) NotFound(string resource, string name) =>
        (HttpStatusCode.NotFound, Status(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found"));

    private (HttpStatusCode, JsonObject) List(string ns)
    {
        lock (_gate)
        {
            ListRequests++;
            var items = new JsonArray();
            foreach (var item in _objects.Where(o => o.Key.StartsWith(Key(HaClusters, ns, ""), StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                items.Add(item.Value.DeepClone());
            }

            return (HttpStatusCode.OK, new JsonObject
            {
                ["apiVersion"] = "hakube.io/v1alpha1",
                ["kind"] = "HaClusterList",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["items"] = items,
            });
        }
    }

    // Secrets are listed by tests and status tools, never watched here.
    private (HttpStatusCode, JsonObject) ListSecrets(string ns)
    {
        lock (_gate)
        {
            var items = new JsonArray();
            foreach (var item in _objects.Where(o => o.Key.StartsWith(Key(Secrets, ns, ""), StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                items.Add(item.Value.DeepClone());
            }

            return (HttpStatusCode.OK, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "SecretList",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["items"] = items,
            });
        }
    }

    private (HttpStatusCode, JsonObject) Read(string resource, string ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(Key(resource, ns, name), out var found) ? (HttpStatusCode.OK, (JsonObject)found.DeepClone()) : NotFound(resource, name);
        }
    }

    private (HttpStatusCode, JsonObject) CreateEvent(JsonObject? body)
    {
        if (body is null)
        {
            return (HttpStatusCode.BadRequest, Status(HttpStatusCode.BadRequest, "BadRequest", "no body"));
        }

        lock (_gate)
        {
            body["metadata"] ??= new JsonObject();
            body["metadata"]!["name"] ??= "event-" + _events.Count;
            Stamp(body);
            _events.Add((JsonObject)body.DeepClone());
            return (HttpStatusCode.Created, body);
        }
    }

    private (HttpStatusCode, JsonObject) Create(string resource, string ns, JsonObject? body)
    {
        if (body?["metadata"]?["name"]?.GetValue<string>() is not { } name)
        {
            return (HttpStatusCode.UnprocessableEntity, Status(HttpStatusCode.UnprocessableEntity, "Invalid", "metadata.name: Required value"));
        }

        lock (_gate)
        {
            if (_objects.ContainsKey(Key(resource, ns, name)))
            {
                return (HttpStatusCode.Conflict, Status(HttpStatusCode.Conflict, "AlreadyExists", $"{resource} \"{name}\" already exists"));
            }

            var metadata = body["metadata"]!.AsObject();
            metadata["namespace"] = ns;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata.Remove("deletionTimestamp");
            if (resource == HaClusters)
            {
                metadata["generation"] = 1L;
                body.Remove("status"); // the status subresource: create ignores status
            }

            Stamp(body);
            _objects[Key(resource, ns, name)] = body;
            Record(resource, "ADDED", ns, body);
            return (HttpStatusCode.Created, (JsonObject)body.DeepClone());
        }
    }
}
