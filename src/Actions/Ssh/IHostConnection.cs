namespace HaKube.Actions.Ssh;

/// <summary>The one way HaKube touches a host; implementations connect lazily, verify host keys and reconnect after a drop.</summary>
public interface IHostConnection
{
    string Host { get; }

    /// <summary>One exec under /bin/sh; a non-zero exit is a result, not an exception.</summary>
    /// <exception cref="HostKeyMismatchException">The host key is not the pinned or known one; nothing ran.</exception>
    /// <exception cref="HostUnreachableException">No session, or it dropped while the command ran (it may have run).</exception>
    /// <exception cref="RemoteCommandTimeoutException">The command outlived its timeout.</exception>
    Task<CommandResult> RunAsync(string script, CommandOptions? options, CancellationToken cancellationToken);

    /// <summary>Atomic (renamed over the target), creating the folder; one exec, content on stdin, never logged.</summary>
    Task UploadAsync(string path, ReadOnlyMemory<byte> content, RemoteFileOptions options, CancellationToken cancellationToken);

    /// <summary>Null when absent. One exec.</summary>
    Task<byte[]?> DownloadAsync(string path, CancellationToken cancellationToken);

    /// <summary>No size cap (etcd snapshots); the bytes written, or null when absent. The content is never logged.</summary>
    /// <remarks>The default buffers through <see cref="DownloadAsync"/>, for connections that only fake a host.</remarks>
    async Task<long?> DownloadToAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (await DownloadAsync(path, cancellationToken) is not { } content)
        {
            return null;
        }

        await destination.WriteAsync(content, cancellationToken);
        return content.Length;
    }
}
