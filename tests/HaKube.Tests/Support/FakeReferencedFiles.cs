using HaKube.Model.Validation;

namespace HaKube.Tests.Support;

/// <summary>
/// Referenced files for validation tests: a file exists when <c>exists</c> says so for its full path;
/// its content (for a hash) is what <c>content</c> gives, or unknown; nothing else is checked.
/// </summary>
public sealed class FakeReferencedFiles(Func<string, bool> exists, Func<string, byte[]?>? content = null) : IReferencedFiles
{
    public static FakeReferencedFiles All { get; } = new(_ => true);

    public static FakeReferencedFiles None { get; } = new(_ => false);

    public ReferencedFileProblem? Check(string manifestFile, string path, long maxBytes)
    {
        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestFile))!, path));
        return exists(full) ? null : new ReferencedFileProblem(ReferencedFileProblemKind.Missing, full);
    }

    public string? Sha256(string manifestFile, string path, long maxBytes)
    {
        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestFile))!, path));
        return content?.Invoke(full) is { } bytes ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) : null;
    }
}
