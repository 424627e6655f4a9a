namespace HaKube.Actions.State;

/// <summary>One 0700 folder per cluster, one 0600 file per item, written atomically.</summary>
internal sealed class FileStateBackend : IStateBackend
{
    public FileStateBackend(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string Location => Directory;

    public async Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : null;
    }

    public Task WriteAsync(string name, string content, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(PathOf(name), content, cancellationToken);

    public Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken) =>
        AtomicFile.CreateOnceAsync(PathOf(name), content, cancellationToken);

    /// <summary>Names may not climb out of the folder.</summary>
    public string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = Path.GetFullPath(Path.Combine(Directory, name));
        return path.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"state item \"{name}\" is outside {Directory}", nameof(name));
    }
}
