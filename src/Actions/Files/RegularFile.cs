using HaKube.Model.Validation;
using Microsoft.Win32.SafeHandles;

namespace HaKube.Actions.Files;

/// <summary>
/// The only way HaKube reads a file a manifest names: opened without blocking, then checked on the
/// descriptor (no race with a rename) to be a regular file, within its bound, inside the allowed
/// folders. A symlink to /dev/zero, a FIFO or a key outside the folder is refused, never read.
/// </summary>
public static class RegularFile
{
    /// <summary>Null when <see cref="Read"/> would read it; nothing is read.</summary>
    public static ReferencedFileProblem? Check(string path, long maxBytes, PathScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Open(path, maxBytes, scope, inspectOnly: true, out var handle) ?? Release(handle);
    }

    /// <exception cref="FileRefusedException">Missing, outside <paramref name="scope"/>, not regular, larger than <paramref name="maxBytes"/>, or unreadable.</exception>
    public static byte[] Read(string path, long maxBytes, PathScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (Open(path, maxBytes, scope, inspectOnly: false, out var handle) is { } problem)
        {
            throw new FileRefusedException(path, problem, maxBytes);
        }

        using (handle)
        {
            // One byte more than allowed tells a file that grew since it was looked at. The buffer starts
            // at the file's size (the bound may be a megabyte; the daemon reads these files every pass).
            var bound = (int)Math.Min(maxBytes + 1, int.MaxValue);
            var buffer = new byte[(int)Math.Min(RandomAccess.GetLength(handle!) + 1, bound)];
            var total = 0;
            int read;
            while ((read = RandomAccess.Read(handle!, buffer.AsSpan(total), total)) > 0)
            {
                total += read;
                if (total == buffer.Length)
                {
                    if (total == bound)
                    {
                        break;
                    }

                    // It grew since its size was read: keep reading, up to the bound.
                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, bound));
                }
            }

            return total > maxBytes
                ? throw new FileRefusedException(path, new ReferencedFileProblem(ReferencedFileProblemKind.TooLarge, path, $"more than {maxBytes}"), maxBytes)
                : buffer[..total];
        }
    }

    /// <summary>Null when it cannot be reached.</summary>
    public static string? RealPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return Path.Exists(path) ? Path.GetFullPath(new FileInfo(path).ResolveLinkTarget(true)?.FullName ?? path) : null;
        }

        try
        {
            using var handle = NativeFile.OpenToInspect(path);
            return NativeFile.ResolvedPath(handle);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static ReferencedFileProblem? Release(SafeFileHandle? handle)
    {
        handle?.Dispose();
        return null;
    }

    private static ReferencedFileProblem? Open(string path, long maxBytes, PathScope scope, bool inspectOnly, out SafeFileHandle? handle)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        handle = null;
        var full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
        {
            return OpenPortably(full, maxBytes, scope, inspectOnly, out handle);
        }

        try
        {
            handle = inspectOnly ? NativeFile.OpenToInspect(full) : NativeFile.OpenForReading(full);
        }
        catch (IOException e)
        {
            return e.HResult is Errno.NoEntry or Errno.NotDirectory
                ? new ReferencedFileProblem(ReferencedFileProblemKind.Missing, full)
                : new ReferencedFileProblem(ReferencedFileProblemKind.Unreadable, full, e.Message);
        }

        try
        {
            var resolved = NativeFile.ResolvedPath(handle);
            var (kind, size) = NativeFile.Describe(handle);
            var problem = !scope.Contains(resolved) ? new ReferencedFileProblem(ReferencedFileProblemKind.OutsideAllowedFolders, resolved, string.Join(", ", scope.Folders))
                : kind != FileKind.Regular ? new ReferencedFileProblem(ReferencedFileProblemKind.NotARegularFile, resolved)
                : size > maxBytes ? new ReferencedFileProblem(ReferencedFileProblemKind.TooLarge, resolved, size.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : null;
            if (problem is not null)
            {
                handle.Dispose();
                handle = null;
            }

            return problem;
        }
        catch (IOException e)
        {
            handle?.Dispose();
            handle = null;
            return new ReferencedFileProblem(ReferencedFileProblemKind.Unreadable, full, e.Message);
        }
    }

    // Elsewhere than Linux (a developer's machine running validate): the same rules through FileInfo, without the descriptor checks.
    private static ReferencedFileProblem? OpenPortably(string full, long maxBytes, PathScope scope, bool inspectOnly, out SafeFileHandle? handle)
    {
        handle = null;
        var info = new FileInfo(full);
        if (!info.Exists && !Directory.Exists(full))
        {
            return new ReferencedFileProblem(ReferencedFileProblemKind.Missing, full);
        }

        var resolved = RealPath(full) ?? full;
        var target = new FileInfo(resolved);
        if (!scope.Contains(resolved))
        {
            return new ReferencedFileProblem(ReferencedFileProblemKind.OutsideAllowedFolders, resolved, string.Join(", ", scope.Folders));
        }

        if (!target.Exists)
        {
            return new ReferencedFileProblem(ReferencedFileProblemKind.NotARegularFile, resolved);
        }

        if (target.Length > maxBytes)
        {
            return new ReferencedFileProblem(ReferencedFileProblemKind.TooLarge, resolved, target.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!inspectOnly)
        {
            handle = File.OpenHandle(resolved);
        }

        return null;
    }
}
