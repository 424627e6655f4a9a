using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>The stand-in's watch: history since a resourceVersion, then live events, bookmarks, 410 Gone.</summary>
internal sealed partial class StandinApiServer
{
    private volatile bool _holdWatches;

    /// <summary>While true, new watch requests wait before they are answered (so a test can act between a drop and the reconnect).</summary>
    public bool HoldWatches
    {
        get => _holdWatches;
        set => _holdWatches = value;
    }

    // Under the gate: kept for resuming watches, and sent to the open ones.
    private void Record(string resource, string type, string ns, JsonObject obj)
    {
        if (resource != HaClusters)
        {
            return;
        }

        var copy = (JsonObject)obj.DeepClone();
        var version = long.Parse(copy["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        _history.Add((version, type, ns, copy));
        foreach (var watch in _watches.Where(w => w.Namespace == ns))
        {
            watch.Lines.Writer.TryWrite(Line(type, copy));
        }
    }

    private static string Line(string type, JsonNode obj) => new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";

    private async Task StreamAsync(HttpListenerRequest request, HttpListenerResponse response, string ns)
    {
        while (HoldWatches && !_stopping.IsCancellationRequested)
        {
            await Task.Delay(10); // a test is changing things while the client is between watches
        }

        var asked = request.QueryString["resourceVersion"];
        var bookmarks = request.QueryString["allowWatchBookmarks"] is "true" or "1";
        Watch watch;
        lock (_gate)
        {
            WatchRequests++;
            var from = string.IsNullOrEmpty(asked) || asked == "0" ? -1 : long.Parse(asked, CultureInfo.InvariantCulture);
            watch = new Watch(ns, from, bookmarks);
            if (from >= 0 && from < _compactedBelow)
            {
                // As the real server: 200, then one ERROR event carrying a 410 Status, then the end.
                GoneAnswers++;
                watch.Lines.Writer.TryWrite(Line("ERROR", Status(HttpStatusCode.Gone, "Expired", $"too old resource version: {from} ({_compactedBelow})")));
                watch.Lines.Writer.TryComplete();
            }
            else
            {
                if (from < 0)
                {
                    foreach (var item in _objects.Where(o => o.Key.StartsWith(Key(HaClusters, ns, ""), StringComparison.Ordinal)))
                    {
                        watch.Lines.Writer.TryWrite(Line("ADDED", item.Value));
                    }
                }
                else
                {
                    foreach (var past in _history.Where(h => h.Version > from && h.Namespace == ns))
                    {
                        watch.Lines.Writer.TryWrite(Line(past.Type, past.Object));
                    }
                }

                _watches.Add(watch);
            }
        }

        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.SendChunked = true;
        var output = response.OutputStream;
        await output.FlushAsync();
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var reading = watch.Lines.Reader.WaitToReadAsync(_stopping.Token).AsTask();
                var ready = await Task.WhenAny(reading, Task.Delay(BookmarkInterval, _stopping.Token)) == reading;
                if (ready && !await reading)
                {
                    break; // the stream ended (after a 410)
                }

                while (watch.Lines.Reader.TryRead(out var line))
                {
                    await output.WriteAsync(Encoding.UTF8.GetBytes(line), _stopping.Token);
                }

                if (!ready && watch.Bookmarks)
                {
                    await output.WriteAsync(Encoding.UTF8.GetBytes(Bookmark()), _stopping.Token);
                }

                await output.FlushAsync(_stopping.Token);
            }
        }
        catch (IOException) when (watch.Lines.Reader.Completion.IsFaulted)
        {
            response.Abort(); // dropped by the test: cut the connection, not a clean end
            return;
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(watch);
            }
        }
    }

    private string Bookmark()
    {
        lock (_gate)
        {
            var obj = new JsonObject
            {
                ["apiVersion"] = "hakube.io/v1alpha1",
                ["kind"] = "HaCluster",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
            };
            return Line("BOOKMARK", obj);
        }
    }
}
