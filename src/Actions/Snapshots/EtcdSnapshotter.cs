using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Actions.Snapshots;

/// <summary>
/// One etcd snapshot from one member host into the state store, its size and sha256 compared with the
/// host's before it gets its final name; the host's folder is removed however this ends. A read, so
/// the quorum guard has nothing to weigh.
/// </summary>
public sealed class EtcdSnapshotter(TimeProvider? time = null, ILogger? logger = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>etcd's default quota is 2 GiB, its recommended maximum 8 GiB.</summary>
    public const long DefaultMaxBytes = 8L << 30;

    // Removing the folder must run even when the caller was cancelled, but not for ever.
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(30);
    private const int TailLines = 8;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Checked against the size the host reports, and again while the bytes arrive.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <exception cref="EtcdSnapshotException">Saving, copying or verifying failed; nothing was kept.</exception>
    public async Task<TakenSnapshot> TakeAsync(IHostConnection connection, string address, EtcdSnapshotStore store, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(store);
        var host = connection.Host;
        var budget = timeout ?? DefaultTimeout;
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        var takenAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Log.Saving(_logger, host);
        var run = await Transport(host, "save", () => connection.RunAsync(
            EtcdSnapshotScript.Save(address, budget),
            new CommandOptions { Name = "etcd snapshot save", Timeout = budget + TimeSpan.FromSeconds(30) },
            cancellationToken));
        if (!run.Succeeded)
        {
            throw new EtcdSnapshotException($"host {host}: etcdctl snapshot save failed ({run.Outcome}): {string.Join(" | ", SecretScrubber.Tail(run.StdErr, TailLines))}");
        }

        var saved = SavedSnapshot.Parse(run.StdOut, out var problem);
        if (saved is null)
        {
            throw new EtcdSnapshotException($"host {host}: {problem}");
        }

        try
        {
            if (saved.Size > MaxBytes)
            {
                throw new EtcdSnapshotException($"host {host}: the snapshot is {saved.Size} bytes, more than the {MaxBytes} allowed (--max-snapshot-size); nothing was copied");
            }

            var stored = await CopyAsync(connection, saved, store, takenAt, MaxBytes, cancellationToken);
            Log.Kept(_logger, host, stored.Path, stored.Size, saved.Status.Revision, saved.Status.TotalKeys, _time.GetElapsedTime(started).TotalMilliseconds);
            return new TakenSnapshot(host, stored, saved.Sha256, saved.Status);
        }
        finally
        {
            await RemoveAsync(connection, saved.Directory);
        }
    }

    private static async Task<StoredSnapshot> CopyAsync(IHostConnection connection, SavedSnapshot saved, EtcdSnapshotStore store,
        DateTimeOffset takenAt, long maxBytes, CancellationToken cancellationToken)
    {
        var host = connection.Host;
        var (partial, stream) = store.CreatePartial();
        try
        {
            long? copied;
            await using (stream)
            {
                // The host said how large the file is; a host that sends more than that is stopped at the bound.
                // Not disposed: the partial file stream beneath it is flushed and closed just below.
                var capped = new CappedStream(stream, maxBytes);
                try
                {
                    copied = await Transport(host, "copy", () => connection.DownloadToAsync(saved.File, capped, cancellationToken));
                }
                catch (CappedStream.LimitExceededException e)
                {
                    throw new EtcdSnapshotException($"host {host}: the snapshot grew past the {maxBytes} bytes allowed (--max-snapshot-size) while it was copied; nothing was kept", e);
                }

                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (copied is null)
            {
                throw new EtcdSnapshotException($"host {host}: the snapshot {saved.File} vanished before it was copied");
            }

            if (copied != saved.Size)
            {
                throw new EtcdSnapshotException($"host {host}: copied {copied} bytes of a {saved.Size}-byte snapshot");
            }

            var sha256 = await EtcdSnapshotStore.Sha256Async(partial, cancellationToken);
            if (!string.Equals(sha256, saved.Sha256, StringComparison.Ordinal))
            {
                throw new EtcdSnapshotException($"host {host}: the copy's sha256 {sha256} differs from the host's {saved.Sha256}");
            }

            return await store.CommitAsync(partial, takenAt, sha256, cancellationToken);
        }
        finally
        {
            EtcdSnapshotStore.Discard(partial);
        }
    }

    private async Task RemoveAsync(IHostConnection connection, string directory)
    {
        try
        {
            var result = await connection.RunAsync(EtcdSnapshotScript.Remove(directory), new CommandOptions { Name = "etcd snapshot cleanup", Timeout = CleanupTimeout }, CancellationToken.None);
            if (!result.Succeeded)
            {
                Log.CleanupFailed(_logger, connection.Host, directory, result.Outcome);
            }
        }
        catch (SshTransportException e)
        {
            Log.CleanupFailed(_logger, connection.Host, directory, e.Message);
        }
    }

    private static async Task<T> Transport<T>(string host, string what, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (SshTransportException e)
        {
            throw new EtcdSnapshotException($"host {host}: snapshot {what}: {e.Message}", e);
        }
    }
}
