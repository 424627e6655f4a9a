namespace HaKube.Model.Validation;

/// <summary>The files a manifest names, as the disk has them; validation words the errors.</summary>
public interface IReferencedFiles
{
    /// <summary>Null when it can be read; <paramref name="path"/> is relative to the manifest's folder or absolute.</summary>
    ReferencedFileProblem? Check(string manifestFile, string path, long maxBytes);

    /// <summary>Lower-case hex; null when unreadable (<see cref="Check"/> says why) or files are not read.</summary>
    string? Sha256(string manifestFile, string path, long maxBytes);
}

/// <summary>
/// Why a named file cannot be used. ResolvedPath has symlinks resolved as far as they go; Detail is the
/// allowed folder, the size or the system's reason, by <see cref="ReferencedFileProblemKind"/>.
/// </summary>
public sealed record ReferencedFileProblem(ReferencedFileProblemKind Kind, string ResolvedPath, string Detail = "");

public enum ReferencedFileProblemKind
{
    Missing,

    /// <summary>Outside the manifest's folder and every folder the operator allowed.</summary>
    OutsideAllowedFolders,

    NotARegularFile,

    TooLarge,

    Unreadable,
}
