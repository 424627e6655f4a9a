using System.Globalization;
using System.Text;
using HaKube.Actions.State;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Leader election in directory mode: an exclusive flock on STATE/.leader-lock, which the kernel drops however
/// the holder exits. Advisory and local only: a state directory on NFS needs the custom-resource mode's Lease.
/// </summary>
/// <remarks>
/// .NET takes the flock for a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>. The name starts
/// with a dot so no cluster (a DNS-1123 name) can own a folder of that name in the state store.
/// </remarks>
internal sealed partial class DirectoryLeaderLock : IAsyncDisposable
{
    public const string FileName = ".leader-lock";

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private FileStream? _held;

    public DirectoryLeaderLock(string stateRoot, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateRoot);
        _path = Path.Combine(Path.GetFullPath(stateRoot), FileName);
        _time = time;
        _logger = logger;
    }

    /// <summary>How long a waiting daemon sleeps between attempts. Default 2 s.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);

    public bool IsHeld => _held is not null;

    /// <summary>Takes the lock if free; false if another daemon holds it.</summary>
    public bool TryAcquire()
    {
        if (_held is not null)
        {
            return true;
        }

        AtomicFile.EnsurePrivateDirectory(Path.GetDirectoryName(_path)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.PrivateFile;
        }

        try
        {
            var stream = new FileStream(_path, options);
            // Who holds it, for a person looking at the state directory; the lock is the flock, not this text.
            var holder = Encoding.UTF8.GetBytes($"pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} on {Environment.MachineName} since {_time.GetUtcNow():O}\n");
            stream.SetLength(0);
            stream.Write(holder);
            stream.Flush(flushToDisk: false);
            _held = stream;
            LogAcquired(_logger, _path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until this daemon holds the lock; throws <see cref="OperationCanceledException"/> when stopped first.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        var logged = false;
        while (!TryAcquire())
        {
            if (!logged)
            {
                LogWaiting(_logger, _path, RetryInterval.TotalSeconds);
                logged = true;
            }

            await Task.Delay(RetryInterval, _time, cancellationToken);
        }
    }

    /// <summary>Gives the lock up, so a standby daemon takes over at its next attempt.</summary>
    public void Release()
    {
        if (_held is { } held)
        {
            _held = null;
            held.Dispose();
            LogReleased(_logger, _path);
        }
    }

    public ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(4101, LogLevel.Information, "Leading: holding {LockFile}")]
    private static partial void LogAcquired(ILogger logger, string lockFile);

    [LoggerMessage(4102, LogLevel.Information, "Standing by: another daemon holds {LockFile}; trying again every {IntervalSeconds} s")]
    private static partial void LogWaiting(ILogger logger, string lockFile, double intervalSeconds);

    [LoggerMessage(4103, LogLevel.Information, "Released {LockFile}")]
    private static partial void LogReleased(ILogger logger, string lockFile);
}
