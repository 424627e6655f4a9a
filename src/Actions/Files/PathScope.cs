namespace HaKube.Actions.Files;

/// <summary>The folders a path may resolve into, by real path, as kustomize's default load restrictor keeps a kustomization to its own folder.</summary>
public sealed class PathScope
{
    private readonly List<string> _folders;

    private PathScope(List<string>? folders) => _folders = folders ?? [];

    /// <summary>For a file the user named on the command line.</summary>
    public static PathScope Anywhere { get; } = new(null) { IsUnrestricted = true };

    public bool IsUnrestricted { get; private init; }

    /// <summary>Folders that do not exist are left out.</summary>
    public IReadOnlyList<string> Folders => _folders;

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

    /// <summary><paramref name="realPath"/> must already be resolved.</summary>
    public bool Contains(string realPath)
    {
        ArgumentNullException.ThrowIfNull(realPath);
        return IsUnrestricted || _folders.Any(f => realPath == f || realPath.StartsWith(f == "/" ? f : f + "/", StringComparison.Ordinal));
    }
}
