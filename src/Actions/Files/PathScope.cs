namespace HaKube.Actions.Files;

/// <summary>
/// The folders a path may resolve into, each by its real path (symlinks resolved), as kustomize's
/// default load restrictor keeps a kustomization to its own folder. A path is inside when its real
/// path is a folder's or below it.
/// </summary>
public sealed class PathScope
{
    private readonly List<string> _folders;

    private PathScope(List<string>? folders) => _folders = folders ?? [];

    /// <summary>No restriction (a file the user named on the command line).</summary>
    public static PathScope Anywhere { get; } = new(null) { IsUnrestricted = true };

    public bool IsUnrestricted { get; private init; }

    /// <summary>The folders' real paths, in the order given; folders that do not exist are left out.</summary>
    public IReadOnlyList<string> Folders => _folders;

    /// <summary>A scope of <paramref name="folders"/>, each resolved now.</summary>
    public static PathScope Within(IEnumerable<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var real = new List<string>();
        foreach (var folder in folders)
        {
            if (RegularFile.RealPath(folder) is { } resolved && !real.Contains(resolved, StringComparer.Ordinal))
            {
                real.Add(resolved);
            }
        }

        return new PathScope(real);
    }

    /// <summary>True when <paramref name="realPath"/> (already resolved) is one of the folders or below one.</summary>
    public bool Contains(string realPath)
    {
        ArgumentNullException.ThrowIfNull(realPath);
        return IsUnrestricted || _folders.Any(f => realPath == f || realPath.StartsWith(f == "/" ? f : f + "/", StringComparison.Ordinal));
    }
}
