using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HaKube.Actions.Files;

/// <summary>
/// Linux calls .NET does not expose: a non-blocking open (a FIFO's open would wait for ever), statx
/// on the descriptor (FileInfo shows /dev/zero as an empty file) and the path the kernel resolved.
/// statx rather than fstat: its layout is the same on every architecture.
/// </summary>
internal static class NativeFile
{
    // Flags of open(2) and statx(2) that have the same value on x86-64 and arm64.
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;      // O_NONBLOCK
    private const int NoControllingTerminal = 0x100; // O_NOCTTY
    private const int CloseOnExec = 0x80000;    // O_CLOEXEC
    private const int PathOnly = 0x200000;      // O_PATH: no open side effects, no read permission needed
    private const int EmptyPath = 0x1000;       // AT_EMPTY_PATH
    private const uint TypeAndSize = 0x1 | 0x200; // STATX_TYPE | STATX_SIZE
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int TypeMask = 0xF000;        // S_IFMT
    private const int RegularType = 0x8000;     // S_IFREG
    private const int DirectoryType = 0x4000;   // S_IFDIR

    /// <summary>Symlinks are followed; the caller checks where it ended.</summary>
    /// <exception cref="IOException">open failed; its HResult carries errno.</exception>
    public static SafeFileHandle OpenForReading(string path) => Open(path, ReadOnly | NonBlocking | NoControllingTerminal | CloseOnExec);

    /// <summary>O_PATH: nothing is read, no device is touched.</summary>
    public static SafeFileHandle OpenToInspect(string path) => Open(path, PathOnly | CloseOnExec);

    public static (FileKind Kind, long Size) Describe(SafeFileHandle handle)
    {
        var buffer = new byte[StatxSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Statx((int)handle.DangerousGetHandle(), "", EmptyPath, TypeAndSize, buffer) != 0)
            {
                throw Failure("statx");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        var type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & TypeMask;
        var size = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(SizeOffset));
        var kind = type switch
        {
            RegularType => FileKind.Regular,
            DirectoryType => FileKind.Directory,
            _ => FileKind.Other,
        };
        return (kind, size);
    }

    public static string ResolvedPath(SafeFileHandle handle)
    {
        var link = $"/proc/self/fd/{handle.DangerousGetHandle()}";
        return new FileInfo(link).LinkTarget ?? throw new IOException($"{link} is not readable: is /proc mounted?");
    }

    private static SafeFileHandle Open(string path, int flags)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fd = OpenFile(path, flags);
        return fd < 0 ? throw Failure("open") : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static IOException Failure(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int OpenFile([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}

internal enum FileKind
{
    Regular,
    Directory,

    /// <summary>A device, a FIFO, a socket.</summary>
    Other,
}

/// <summary>errno values callers tell apart.</summary>
internal static class Errno
{
    public const int NoEntry = 2;      // ENOENT
    public const int NotDirectory = 20; // ENOTDIR
    public const int Loop = 40;        // ELOOP
}
