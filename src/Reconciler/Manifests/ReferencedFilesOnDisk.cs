using System.Collections.Concurrent;
using System.Security.Cryptography;
using HaKube.Actions.Files;
using HaKube.Model.Validation;

namespace HaKube.Reconciler.Manifests;

/// <summary>
/// Answers validation's questions about a manifest's key and known_hosts files from the disk: the
/// path is resolved (symlinks included) and must end inside the manifest's own folder tree, or
/// inside one of the folders an operator allowed with --allow-paths-outside; then it must be a
/// regular file within its size bound. Nothing is read, except a file pinned by a hash, to hash it.
/// </summary>
internal sealed class ReferencedFilesOnDisk(IReadOnlyList<string> allowPathsOutside) : IReferencedFiles
{
    private readonly IReadOnlyList<string> _allowed = allowPathsOutside.Select(Path.GetFullPath).ToList();
    private readonly ConcurrentDictionary<string, PathScope> _scopes = new(StringComparer.Ordinal);

    /// <summary>The folders every manifest's files may also resolve into.</summary>
    public IReadOnlyList<string> AllowPathsOutside => _allowed;

    public ReferencedFileProblem? Check(string manifestFile, string path, long maxBytes)
    {
        var folder = FolderOf(manifestFile);
        var problem = RegularFile.Check(Path.Combine(folder, path), maxBytes, ScopeFor(folder));
        return problem is { Kind: ReferencedFileProblemKind.OutsideAllowedFolders }
            ? problem with { Detail = RegularFile.RealPath(folder) ?? folder }
            : problem;
    }

    public string? Sha256(string manifestFile, string path, long maxBytes)
    {
        var folder = FolderOf(manifestFile);
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(RegularFile.Read(Path.Combine(folder, path), maxBytes, ScopeFor(folder))));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // Check names the problem; a file that changed in between is read again when loaded
        }
    }

    /// <summary>The folders a manifest's files may resolve into: its own folder, then the allowed ones.</summary>
    public PathScope ScopeFor(string folder) => _scopes.GetOrAdd(folder, f => PathScope.Within([f, .. _allowed]));

    /// <summary>The folder a manifest's relative paths start from.</summary>
    public static string FolderOf(string manifestFile) => Path.GetDirectoryName(Path.GetFullPath(manifestFile)) ?? "/";
}
