using HaKube.Model.Validation;

namespace HaKube.Tests.Support;

/// <summary>Referenced files for validation tests: a file exists when <c>exists</c> says so for its full path; nothing else is checked.</summary>
public sealed class FakeReferencedFiles(Func<string, bool> exists) : IReferencedFiles
{
    public static FakeReferencedFiles All { get; } = new(_ => true);

    public static FakeReferencedFiles None { get; } = new(_ => false);

    public ReferencedFileProblem? Check(string manifestFile, string path, long maxBytes)
    {
        var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestFile))!, path));
        return exists(full) ? null : new ReferencedFileProblem(ReferencedFileProblemKind.Missing, full);
    }
}
