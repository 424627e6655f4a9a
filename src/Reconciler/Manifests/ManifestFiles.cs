using HaKube.Model.Loading;
using HaKube.Model.Validation;

namespace HaKube.Reconciler.Manifests;

/// <summary>
/// Reads manifests from files and directories (recursively, *.yaml and *.yml, in a stable
/// order) and validates them, cluster names included across files.
/// </summary>
public static class ManifestFiles
{
    /// <summary>The manifest files named by <paramref name="paths"/>: files as given, directories searched recursively.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, List<ManifestError> errors)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory
                    .EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(IsManifest)
                    .Where(f => !IsHidden(Path.GetRelativePath(path, f)))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                errors.Add(new ManifestError(path, 1, 1, "", "no such file or directory"));
            }
        }

        return files;
    }

    /// <summary>Loads and validates every manifest under <paramref name="paths"/>.</summary>
    public static async Task<ParseResult> LoadAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var errors = new List<ManifestError>();
        var manifests = new List<LoadedManifest>();
        var options = new ValidationOptions(ManifestMode.File, File.Exists);
        foreach (var file in Expand(paths, errors))
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file, cancellationToken);
            }
            catch (IOException e)
            {
                errors.Add(new ManifestError(file, 1, 1, "", $"cannot read: {e.Message}"));
                continue;
            }
            catch (UnauthorizedAccessException e)
            {
                errors.Add(new ManifestError(file, 1, 1, "", $"cannot read: {e.Message}"));
                continue;
            }

            var result = HaClusterValidator.ParseAndValidate(text, file, options);
            errors.AddRange(result.Errors);
            manifests.AddRange(result.Manifests);
        }

        errors.AddRange(DuplicateNames(manifests));
        return new ParseResult(manifests, errors);
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

    // Hidden folders (.git, .hakube) hold no manifests.
    private static bool IsHidden(string relativePath) =>
        relativePath.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));
}
