namespace HaKube.Actions.Ssh;

/// <summary>
/// The one way the rest of HaKube touches a host: run a POSIX sh script (as root: directly,
/// or through sudo -n), and move files. Implementations connect lazily, verify host keys,
/// and reconnect when a connection dropped between calls.
/// </summary>
public interface IHostConnection
{
    /// <summary>The host's name in the spec.</summary>
    string Host { get; }

    /// <summary>Runs <paramref name="script"/> under /bin/sh in one SSH exec. A non-zero exit is a result, not an exception.</summary>
    /// <exception cref="HostKeyMismatchException">The host key is not the pinned or known one; nothing ran.</exception>
    /// <exception cref="HostUnreachableException">No session, or it dropped while the command ran (it may have run).</exception>
    /// <exception cref="RemoteCommandTimeoutException">The command outlived its timeout.</exception>
    Task<CommandResult> RunAsync(string script, CommandOptions? options, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically (a temporary file in
    /// the same folder, owner and mode set, then renamed over the target), creating the folder.
    /// One exec; the content travels on stdin and is never logged.
    /// </summary>
    Task UploadAsync(string path, ReadOnlyMemory<byte> content, RemoteFileOptions options, CancellationToken cancellationToken);

    /// <summary>The content of <paramref name="path"/>, or null when it does not exist. One exec.</summary>
    Task<byte[]?> DownloadAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Streams <paramref name="path"/> into <paramref name="destination"/> as it arrives, with no size
    /// cap (etcd snapshots, which can be far larger than <see cref="DownloadAsync"/> allows). Returns the
    /// bytes written, or null when the file does not exist. One exec; the content is never logged.
    /// </summary>
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
