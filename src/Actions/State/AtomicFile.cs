using System.Text;

namespace HaKube.Actions.State;

/// <summary>A flushed 0600 temporary file renamed into place: no reader sees half a file, only the owner can read it.</summary>
public static class AtomicFile
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Mode 0700, tightened if it exists.</summary>
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

    /// <summary>False when another writer got there first; the caller reads theirs, so a generate-once value stays one.</summary>
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
