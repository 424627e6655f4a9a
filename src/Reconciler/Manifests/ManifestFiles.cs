using System.Text;
using HaKube.Actions.Files;
using HaKube.Model.Loading;
using HaKube.Model.Validation;

namespace HaKube.Reconciler.Manifests;

/// <summary>
/// Reads manifests from files and directories (recursively, *.yaml and *.yml, in a stable
/// order) and validates them, cluster names included across files. Only regular files of at most
/// <see cref="MaxBytes"/> are read; in a directory, a symlink is followed only to a regular file
/// inside that directory, and symlinked folders are not entered.
/// </summary>
public static class ManifestFiles
{
    /// <summary>A manifest of 300 hosts is about 30 KiB; anything past this is refused unread.</summary>
    public const long MaxBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The manifest files named by <paramref name="paths"/>: files as given, directories searched recursively, each with the scope it must resolve into.</summary>
    public static IReadOnlyList<ManifestFile> Expand(IEnumerable<string> paths, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(errors);
        var files = new List<ManifestFile>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var scope = PathScope.Within([path]);
                files.AddRange(Walk(path).Order(StringComparer.Ordinal).Select(f => new ManifestFile(f, scope)));
            }
            else if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                // Named on the command line: read wherever it is, but still only a bounded regular file.
                files.Add(new ManifestFile(path, PathScope.Anywhere));
            }
            else
            {
                errors.Add(new ManifestError(path, 1, 1, "", "no such file or directory"));
            }
        }

        return files;
    }

    /// <summary>The text of <paramref name="file"/>, or the located reason it is not read.</summary>
    public static (string? Text, ManifestError? Error) Read(ManifestFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        byte[] bytes;
        try
        {
            bytes = RegularFile.Read(file.Path, MaxBytes, file.Scope);
        }
        catch (FileRefusedException e)
        {
            return (null, new ManifestError(file.Path, 1, 1, "", Refusal(e.Problem)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new ManifestError(file.Path, 1, 1, "", $"cannot read: {e.Message}"));
        }

        try
        {
            var text = StrictUtf8.GetString(bytes);
            return (text.StartsWith('\uFEFF') ? text[1..] : text, null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, new ManifestError(file.Path, 1, 1, "", $"not UTF-8 text (invalid byte at offset {e.Index}); expected a UTF-8 YAML file"));
        }
    }

    /// <summary>Loads and validates every manifest under <paramref name="paths"/>; key paths may also lie in <paramref name="allowPathsOutside"/>.</summary>
    public static async Task<ParseResult> LoadAsync(IEnumerable<string> paths, CancellationToken cancellationToken, IReadOnlyList<string>? allowPathsOutside = null)
    {
        var errors = new List<ManifestError>();
        var manifests = new List<LoadedManifest>();
        var options = new ValidationOptions(ManifestMode.File, new ReferencedFilesOnDisk(allowPathsOutside ?? []));
        foreach (var file in Expand(paths, errors))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (text, refused) = await Task.Run(() => Read(file), cancellationToken);
            if (refused is not null)
            {
                errors.Add(refused);
                continue;
            }

            var result = HaClusterValidator.ParseAndValidate(text!, file.Path, options);
            errors.AddRange(result.Errors);
            manifests.AddRange(result.Manifests);
        }

        errors.AddRange(DuplicateNames(manifests));
        return new ParseResult(manifests, errors);
    }

    private static string Refusal(ReferencedFileProblem problem) => problem.Kind switch
    {
        ReferencedFileProblemKind.Missing => "no such file (a dangling symlink?)",
        ReferencedFileProblemKind.OutsideAllowedFolders => $"not read: it resolves to {problem.ResolvedPath}, outside the manifest directory {problem.Detail}; expected a regular file inside it",
        ReferencedFileProblemKind.NotARegularFile => $"not read: it resolves to {problem.ResolvedPath}, which is not a regular file",
        ReferencedFileProblemKind.TooLarge => $"not read: {problem.Detail} bytes; a manifest may be at most {MaxBytes} bytes",
        _ => $"cannot read: {problem.Detail}",
    };

    // Manifests below root; hidden folders (.git, .hakube) and symlinked folders are not entered.
    private static IEnumerable<string> Walk(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 };
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options))
            {
                if (entry.Name.StartsWith('.'))
                {
                    continue;
                }

                if (entry is DirectoryInfo directory)
                {
                    if (directory.LinkTarget is null)
                    {
                        pending.Push(directory.FullName);
                    }
                }
                else if (IsManifest(entry.Name))
                {
                    yield return Path.Combine(folder, entry.Name);
                }
            }
        }
    }

    private static IEnumerable<ManifestError> DuplicateNames(IReadOnlyList<LoadedManifest> manifests)
    {
        var first = new Dictionary<string, LoadedManifest>(StringComparer.Ordinal);
        foreach (var manifest in manifests)
        {
            var name = manifest.Cluster.Metadata.Name;
            if (!first.TryAdd(name, manifest))
            {
                var other = first[name].Source;
                var position = other.Locate("metadata.name");
                yield return manifest.Source.Error("metadata.name", $"cluster \"{name}\" is already declared at {other.File}:{position.Line}:{position.Column}; expected unique names");
            }
        }
    }

    private static bool IsManifest(string file) =>
        file.EndsWith(".yaml", StringComparison.Ordinal) || file.EndsWith(".yml", StringComparison.Ordinal);
}

/// <summary>A manifest file to read and the folders it must resolve into.</summary>
public sealed record ManifestFile(string Path, PathScope Scope);
