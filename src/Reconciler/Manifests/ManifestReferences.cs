using HaKube.Actions.Files;
using HaKube.Actions.Rendering;
using HaKube.Model.Loading;

namespace HaKube.Reconciler.Manifests;

/// <summary>
/// Directory mode's mirror CAs, package key and Calico operator manifests: files relative to the manifest, read as the SSH key
/// is (inside the manifest's folder or an allowed one, symlinks resolved, regular files within
/// their bounds), checked again now since they may have changed since validation.
/// </summary>
internal static class ManifestReferences
{
    /// <exception cref="InvalidOperationException">A file cannot be read or is not what its field says; the message names the manifest and field.</exception>
    public static async Task<ReferencedContent> LoadAsync(LoadedManifest manifest, CancellationToken cancellationToken, IReadOnlyList<string>? allowPathsOutside = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var folder = ReferencedFilesOnDisk.FolderOf(manifest.Source.File);
        var scope = new ReferencedFilesOnDisk(allowPathsOutside ?? []).ScopeFor(folder);
        try
        {
            return await ReferencedContentReader.ReadAsync(
                manifest.Cluster.Spec,
                async (source, token) => source.File is not { } file
                    ? throw new InvalidOperationException($"{source.FileField}: directory mode reads this from a file; the manifest names none")
                    : await Task.Run(() => Read(source.FileField, Path.Combine(folder, file), source.MaxBytes, scope), token),
                cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{manifest.Source.File}: {e.Message}", e);
        }
    }

    private static byte[] Read(string field, string path, long maxBytes, PathScope scope)
    {
        try
        {
            return RegularFile.Read(path, maxBytes, scope);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"{field}: {e.Message}", e);
        }
    }
}
