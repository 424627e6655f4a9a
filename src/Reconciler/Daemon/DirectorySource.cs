using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Directory mode's source of desired state: watches a directory recursively, waits for writes to be quiet
/// (<see cref="Debounce"/>), and emits one event per changed cluster; on a watcher overflow it rescans everything.
/// </summary>
internal sealed partial class DirectorySource : IDisposable
{
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ManifestCatalog _catalog;
    private readonly Channel<ManifestEvent> _events = Channel.CreateUnbounded<ManifestEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _scanned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _overflowed;
    private long _firstNoticed;
    private long _lastNoticed;

    /// <summary>A source over <paramref name="root"/>; <paramref name="allowPathsOutside"/> are folders besides each manifest's own where its key files may resolve (--allow-paths-outside).</summary>
    public DirectorySource(string root, TimeProvider time, ILogger logger, IReadOnlyList<string>? allowPathsOutside = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _time = time;
        _logger = logger;
        _catalog = new ManifestCatalog(_root, allowPathsOutside);
    }

    /// <summary>Quiet time after the last write before files are read. Default 200 ms.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait for quiet: a directory written to without pause is still read this often. Default 2 s.</summary>
    public TimeSpan MaxDebounce { get; init; } = TimeSpan.FromSeconds(2);

    public ChannelReader<ManifestEvent> Events => _events.Reader;

    /// <summary>Completes once the first full scan's events are in <see cref="Events"/>.</summary>
    public Task Scanned => _scanned.Task;

    /// <summary>Watches until <paramref name="cancellationToken"/> is cancelled; the first scan happens at once.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"manifest directory {_root} does not exist");
        }

        // Watch before the first scan, so nothing written during the scan is lost.
        using var watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            InternalBufferSize = 64 * 1024,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Created += (_, e) => Notice(e.FullPath);
        watcher.Changed += (_, e) => Notice(e.FullPath);
        watcher.Deleted += (_, e) => Notice(e.FullPath);
        watcher.Renamed += (_, e) =>
        {
            Notice(e.OldFullPath);
            Notice(e.FullPath);
        };
        watcher.Error += (_, e) => Overflowed(e.GetException());
        watcher.EnableRaisingEvents = true;

        try
        {
            await PublishAsync(null, _time.GetTimestamp(), cancellationToken);
            _scanned.TrySetResult();
            while (!cancellationToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(cancellationToken);
                await QuietAsync(cancellationToken);
                HashSet<string>? batch;
                long noticed;
                lock (_gate)
                {
                    while (_changed.Wait(0, CancellationToken.None))
                    {
                        // The batch below covers every signal so far.
                    }

                    batch = _overflowed ? null : _pending;
                    noticed = _firstNoticed;
                    _pending = new HashSet<string>(StringComparer.Ordinal);
                    _overflowed = false;
                    _firstNoticed = 0;
                }

                await PublishAsync(batch, noticed, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _scanned.TrySetCanceled(cancellationToken);
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public void Dispose() => _changed.Dispose();

    private async Task PublishAsync(IReadOnlySet<string>? batch, long noticed, CancellationToken cancellationToken)
    {
        foreach (var change in await _catalog.RefreshAsync(batch, noticed, cancellationToken))
        {
            if (change.Kind != ManifestEventKind.Unattributed)
            {
                LogChange(_logger, change.Kind.ToString(), change.Cluster, HaKube.Model.Values.Printable.Escape(change.File ?? ""));
            }

            await _events.Writer.WriteAsync(change, cancellationToken);
        }
    }

    private async Task QuietAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            long first, last;
            lock (_gate)
            {
                (first, last) = (_firstNoticed, _lastNoticed);
            }

            var quiet = _time.GetElapsedTime(last);
            var waited = _time.GetElapsedTime(first);
            if (quiet >= Debounce || waited >= MaxDebounce)
            {
                return;
            }

            // Sleep exactly until the quiet time would be reached; a millisecond more absorbs timer rounding.
            var remaining = Debounce - quiet < MaxDebounce - waited ? Debounce - quiet : MaxDebounce - waited;
            await Task.Delay(remaining + TimeSpan.FromMilliseconds(1), _time, cancellationToken);
        }
    }

    private void Notice(string path)
    {
        if (!Relevant(path))
        {
            return;
        }

        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _pending.Add(path);
            _firstNoticed = _firstNoticed == 0 ? now : _firstNoticed;
            _lastNoticed = now;
        }

        _changed.Release();
    }

    private void Overflowed(Exception error)
    {
        LogOverflow(_logger, _root, error.Message);
        lock (_gate)
        {
            _overflowed = true;
            var now = _time.GetTimestamp();
            _firstNoticed = _firstNoticed == 0 ? now : _firstNoticed;
            _lastNoticed = now;
        }

        _changed.Release();
    }

    // Manifests, and anything that may be a folder (no extension); never hidden paths such as .git,
    // whose churn during a pull would otherwise keep the debounce from ever settling.
    private bool Relevant(string path)
    {
        var relative = Path.GetRelativePath(_root, path);
        if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
        {
            return false;
        }

        var extension = Path.GetExtension(path);
        return extension is ".yaml" or ".yml" or "";
    }

    [LoggerMessage(4201, LogLevel.Information, "Manifest change: {Kind} cluster {Cluster} ({File})")]
    private static partial void LogChange(ILogger logger, string kind, string cluster, string file);

    [LoggerMessage(4202, LogLevel.Warning, "Watching {Directory} overflowed ({Reason}); rescanning every manifest")]
    private static partial void LogOverflow(ILogger logger, string directory, string reason);
}
