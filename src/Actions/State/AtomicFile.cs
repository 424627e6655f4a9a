using System.Text;

namespace HaKube.Actions.State;

/// <summary>
/// Writes state-store files so a reader never sees half a file and nobody but the owner can
/// read them: the content goes to a 0600 temporary file in the same folder, is flushed to disk,
/// and is then renamed over (or linked to) the final name.
/// </summary>
public static class AtomicFile
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="directory"/> (and missing parents) with mode 0700, and tightens it if it exists.</summary>
    public static void EnsurePrivateDirectory(string directory)
    {
        // Windows has no mode bits; HaKube's state lives on Linux, where these calls always run.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, PrivateDirectory);
        File.SetUnixFileMode(directory, PrivateDirectory);
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = await WriteTemporaryAsync(path, content, cancellationToken);
        try
        {
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // Only left behind when the move failed; it may hold CA keys.
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> only if it does not exist yet; false when another writer got
    /// there first (the caller then reads theirs, so a value meant to be generated once stays one).
    /// </summary>
    public static async Task<bool> CreateOnceAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temporary = await WriteTemporaryAsync(path, content, cancellationToken);
        try
        {
            // Without overwrite the move fails if the target exists, with no window in which two writers both win.
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }

    private static async Task<string> WriteTemporaryAsync(string path, string content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException($"{path} has no folder", nameof(path));
        EnsurePrivateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            return temporary;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
