namespace HaKube.Model.Validation;

/// <summary>
/// The files a manifest names (its SSH key and known_hosts), as the disk has them. Validation
/// words the errors; the implementation only says what it found.
/// </summary>
public interface IReferencedFiles
{
    /// <summary>
    /// What is wrong with <paramref name="path"/> (canonical, relative to <paramref name="manifestFile"/>'s folder
    /// or absolute) as a file of at most <paramref name="maxBytes"/>; null when it can be read.
    /// </summary>
    ReferencedFileProblem? Check(string manifestFile, string path, long maxBytes);

    /// <summary>
    /// The SHA-256 of the file's bytes (lower-case hex), for files pinned by a hash; null when it
    /// cannot be read (<see cref="Check"/> says why) or the implementation does not read files.
    /// </summary>
    string? Sha256(string manifestFile, string path, long maxBytes);
}

/// <summary>Why a named file cannot be used.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="ResolvedPath">Where the path led, symlinks resolved as far as they go.</param>
/// <param name="Detail">The folder it should be in (<see cref="ReferencedFileProblemKind.OutsideAllowedFolders"/>), the size (<see cref="ReferencedFileProblemKind.TooLarge"/>), or the system's reason (<see cref="ReferencedFileProblemKind.Unreadable"/>).</param>
public sealed record ReferencedFileProblem(ReferencedFileProblemKind Kind, string ResolvedPath, string Detail = "");

public enum ReferencedFileProblemKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>It resolves outside the manifest's folder and every folder the operator allowed.</summary>
    OutsideAllowedFolders,

    /// <summary>A directory, a device, a pipe or a socket.</summary>
    NotARegularFile,

    /// <summary>Larger than the bound for its kind.</summary>
    TooLarge,

    /// <summary>It exists but cannot be opened.</summary>
    Unreadable,
}
