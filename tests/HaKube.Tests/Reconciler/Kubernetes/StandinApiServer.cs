using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>
/// A test-only stand-in for kube-apiserver, in-process on 127.0.0.1 over plain HTTP, for the
/// custom-resource daemon's tests (a real API server cannot run here).
/// </summary>
/// <remarks>
/// Reproduces, as the Kubernetes API documents them:
/// <list type="bullet">
/// <item>hakube.io/v1alpha1 haclusters (namespaced): list (the list carries the store's
/// resourceVersion), watch (<c>?watch=1&amp;resourceVersion=..&amp;allowWatchBookmarks=true</c>: one JSON
/// event a line, ADDED/MODIFIED/DELETED/BOOKMARK; no resourceVersion or "0" starts with a synthetic
/// ADDED per object; below the compacted window an ERROR event with a 410 Expired Status, then the
/// stream ends), get, create, update (PUT, 409 on a stale resourceVersion), JSON merge patch, and the
/// status subresource separately (the main resource ignores status; /status changes only status);
/// metadata.generation starts at 1 and grows on spec changes only; delete with finalizers sets
/// deletionTimestamp, and the object goes when its finalizers are emptied.</item>
/// <item>core/v1 secrets: get, list, create (409 AlreadyExists when it exists), update (PUT, 409 on a
/// stale resourceVersion; none given is an unconditional update, as for Secrets in Kubernetes); tests
/// also put them with <see cref="PutSecret"/>. Data travels base64-encoded, as in the real API.</item>
/// <item>coordination.k8s.io/v1 leases: get, create (409 when it exists), update (409 on a stale resourceVersion).</item>
/// <item>core/v1 events: create (kept in <see cref="Events"/>).</item>
/// </list>
/// Does not reproduce: TLS and authentication, RBAC, admission and schema validation, strategic merge
/// and JSON patch, label and field selectors, pagination (limit/continue), server-side apply,
/// deleteCollection, other resources, watch timeouts other than the client's own.
/// Test controls: <see cref="Compact"/> (older resourceVersions become 410 Gone), <see cref="DropWatches"/>
/// (every open watch connection is cut, as a restarting API server or a load balancer would),
/// <see cref="HoldWatches"/> (reconnecting watches wait, so a test can change things in between),
/// <see cref="Forbidden"/> (resources answered 403 Forbidden, as RBAC would).
/// </remarks>
internal sealed partial class StandinApiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Type, string Namespace, JsonObject Object)> _history = [];
    private readonly List<Watch> _watches = [];
    private readonly List<JsonObject> _events = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _serving;
    private long _version = 100;
    private long _compactedBelow;
    private int _requests;

    private StandinApiServer(int port)
    {
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Address { get; }

    /// <summary>How often an open watch that allows bookmarks gets one. Default 200 ms.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The number of watch requests answered so far (reconnects included).</summary>
    public int WatchRequests { get; private set; }

    /// <summary>The number of list requests answered so far.</summary>
    public int ListRequests { get; private set; }

    /// <summary>The number of watch requests answered with 410 Gone.</summary>
    public int GoneAnswers { get; private set; }

    /// <summary>Every request served (a thread-safe count).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The Events created so far.</summary>
    public IReadOnlyList<JsonObject> Events
    {
        get
        {
            lock (_gate)
            {
                return _events.Select(e => (JsonObject)e.DeepClone()).ToList();
            }
        }
    }

    public static StandinApiServer Start()
    {
        // HttpListener cannot bind port 0: take a free port from the kernel and hand it over.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new StandinApiServer(port);
    }

    /// <summary>The object as stored, or null.</summary>
    public JsonObject? Get(string resource, string ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(Key(resource, ns, name), out var found) ? (JsonObject)found.DeepClone() : null;
        }
    }

    public void PutSecret(string ns, string name, IReadOnlyDictionary<string, byte[]> data)
    {
        var values = new JsonObject();
        foreach (var (key, value) in data)
        {
            values[key] = Convert.ToBase64String(value);
        }

        lock (_gate)
        {
            var secret = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = Guid.NewGuid().ToString() },
                ["data"] = values,
            };
            Stamp(secret);
            _objects[Key(Secrets, ns, name)] = secret;
        }
    }

    /// <summary>The Secrets of a namespace whose names start with <paramref name="prefix"/>, as stored.</summary>
    public IReadOnlyList<JsonObject> SecretsNamed(string ns, string prefix)
    {
        lock (_gate)
        {
            return _objects.Where(o => o.Key.StartsWith(Key(Secrets, ns, prefix), StringComparison.Ordinal)).Select(o => (JsonObject)o.Value.DeepClone()).ToList();
        }
    }

    /// <summary>Forgets the watch history up to now: a watch resuming from an older resourceVersion gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedBelow = _version;
            _history.Clear();
        }
    }

    /// <summary>Resources every request on which is answered 403 Forbidden, as RBAC does when a role lacks them.</summary>
    public IReadOnlySet<string> Forbidden { get; set; } = new HashSet<string>(); // replaced whole, never changed in place

    /// <summary>Cuts every open watch connection; the clients must reconnect.</summary>
    public void DropWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete(new IOException("dropped by the test"));
            }

            _watches.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        DropWatches();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping.
        }

        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _requests);
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await RouteAsync(context.Request, context.Response);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away.
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            // A stand-in bug or a malformed request: say so rather than answer an empty 200.
            await WriteAsync(context.Response, HttpStatusCode.InternalServerError, Status(HttpStatusCode.InternalServerError, "InternalError", e.ToString()));
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Already closed or aborted.
            }
        }
    }

    private static string Key(string resource, string ns, string name) => $"{resource}/{ns}/{name}";

    // Under the gate: every write gets the next resourceVersion, as etcd's revision.
    private void Stamp(JsonObject obj)
    {
        _version++;
        var metadata = obj["metadata"]!.AsObject();
        metadata["resourceVersion"] = _version.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record Watch(string Namespace, long From, bool Bookmarks)
    {
        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode code, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.StatusCode = (int)code;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    private static JsonObject Status(HttpStatusCode code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = (int)code,
    };
}
