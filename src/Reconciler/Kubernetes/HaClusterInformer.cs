using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// Custom-resource mode's source of desired state: lists, then watches from the list's resourceVersion (lists
/// again on 410 Gone); reports clusters whose spec, deletion or existence changed, never status-only writes.
/// </summary>
public sealed partial class HaClusterInformer(IKubernetes client, string ns, Action<string> changed, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, HaClusterObject> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lists;
    private int _resumes;

    /// <summary>Wait before re-watching after a transport error. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Completes once the first list is in the cache and its keys were handed out.</summary>
    public Task Synced => _synced.Task;

    /// <summary>Lists so far (the first, and one per 410 Gone).</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Watches resumed from a resourceVersion after a dropped or ended one.</summary>
    public int Resumes => Volatile.Read(ref _resumes);

    /// <summary>The last resourceVersion seen (list, event or bookmark).</summary>
    public string? ResourceVersion { get; private set; }

    public HaClusterObject? Get(string key) => _cache.GetValueOrDefault(key);

    public IReadOnlyList<string> Keys => _cache.Keys.ToList();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var relist = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (relist)
                {
                    await ListAsync(cancellationToken);
                    relist = false;
                }

                relist = await WatchAsync(cancellationToken);
                if (!relist)
                {
                    Interlocked.Increment(ref _resumes);
                    LogResuming(logger, ns, ResourceVersion ?? "");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or HttpOperationException or KubernetesException or JsonException)
            {
                // The API server is unreachable or restarting, or the connection was cut: try again from where we were.
                LogWatchFailed(logger, ns, e.Message);
                if (!relist)
                {
                    Interlocked.Increment(ref _resumes);
                }

                await Task.Delay(RetryDelay, time, cancellationToken);
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(
            HaClusterObject.Group, HaClusterObject.Version, ns, HaClusterObject.Plural, cancellationToken: cancellationToken);
        Interlocked.Increment(ref _lists);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            var resource = HaClusterObject.From(item);
            seen.Add(resource.Key);
            _cache[resource.Key] = resource;
        }

        // Whatever vanished while we were not watching is gone; every listed cluster is queued,
        // since any of them may have changed in the window the watch could not replay.
        foreach (var key in _cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _cache.TryRemove(key, out _);
            changed(key);
        }

        foreach (var key in seen)
        {
            changed(key);
        }

        ResourceVersion = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        LogListed(logger, ns, seen.Count, ResourceVersion ?? "");
        _synced.TrySetResult();
    }

    /// <summary>Watches until the stream ends; true when the server said the version is gone (relist).</summary>
    private async Task<bool> WatchAsync(CancellationToken cancellationToken)
    {
        var gone = false;
        void OnError(Exception e)
        {
            if (e is KubernetesException { Status.Code: 410 })
            {
                gone = true;
                LogGone(logger, ns, ResourceVersion ?? "");
            }
            else
            {
                LogWatchFailed(logger, ns, e.Message);
            }
        }

        var events = client.CustomObjects.WatchListNamespacedCustomObjectAsync(
            HaClusterObject.Group, HaClusterObject.Version, ns, HaClusterObject.Plural,
            allowWatchBookmarks: true, resourceVersion: ResourceVersion, onError: OnError, cancellationToken: cancellationToken);
        await foreach (var (type, payload) in events)
        {
            Apply(type, (JsonElement)payload);
        }

        return gone;
    }

    private void Apply(WatchEventType type, JsonElement payload)
    {
        var resource = HaClusterObject.From(payload);
        ResourceVersion = resource.ResourceVersion.Length > 0 ? resource.ResourceVersion : ResourceVersion;
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                var before = _cache.GetValueOrDefault(resource.Key);
                _cache[resource.Key] = resource;
                if (before is null || before.Generation != resource.Generation || before.Deleting != resource.Deleting)
                {
                    changed(resource.Key);
                }

                break;
            case WatchEventType.Deleted:
                _cache.TryRemove(resource.Key, out _);
                changed(resource.Key);
                break;
            default:
                break; // a bookmark only advances the resourceVersion
        }
    }

    [LoggerMessage(4301, LogLevel.Information, "Listed {Count} HaCluster(s) in namespace {Namespace} at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string @namespace, int count, string resourceVersion);

    [LoggerMessage(4302, LogLevel.Information, "HaCluster watch in namespace {Namespace} ended; resuming from resourceVersion {ResourceVersion}")]
    private static partial void LogResuming(ILogger logger, string @namespace, string resourceVersion);

    [LoggerMessage(4303, LogLevel.Warning, "HaCluster watch in namespace {Namespace}: resourceVersion {ResourceVersion} is too old (410 Gone); listing again")]
    private static partial void LogGone(ILogger logger, string @namespace, string resourceVersion);

    [LoggerMessage(4304, LogLevel.Warning, "HaCluster watch in namespace {Namespace} failed: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string @namespace, string reason);
}
