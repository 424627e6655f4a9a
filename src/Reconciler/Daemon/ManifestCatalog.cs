using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HaKube.Model.Loading;
using HaKube.Model.Validation;
using HaKube.Reconciler.Manifests;
using YamlDotNet.RepresentationModel;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// What a manifest directory declares, kept between refreshes so only changed files are read again. A file
/// that stops validating keeps its clusters (now invalid), so a typo never reads as a deletion.
/// </summary>
internal sealed class ManifestCatalog(string root, IReadOnlyList<string>? allowPathsOutside = null)
{
    private readonly string _root = Path.GetFullPath(root);
    private readonly Dictionary<string, FileEntry> _files = new(StringComparer.Ordinal);
    private readonly ValidationOptions _validation = new(ManifestMode.File, new ReferencedFilesOnDisk(allowPathsOutside ?? []));
    private Dictionary<string, ClusterEntry> _clusters = new(StringComparer.Ordinal);
    private IReadOnlyList<ManifestError> _unattributed = [];

    /// <summary>
    /// Re-reads the files in <paramref name="changed"/> and any new ones (every file whose content
    /// changed when <paramref name="changed"/> is null: a full rescan), forgets removed ones, and
    /// returns one event per cluster that changed.
    /// </summary>
    public async Task<IReadOnlyList<ManifestEvent>> RefreshAsync(IReadOnlySet<string>? changed, long noticedAt, CancellationToken cancellationToken)
    {
        var listed = Directory.Exists(_root) ? ManifestFiles.Expand([_root], []) : [];
        foreach (var file in listed)
        {
            if (changed is null || changed.Contains(file.Path) || !_files.ContainsKey(file.Path))
            {
                await ReloadAsync(file, cancellationToken);
            }
        }

        foreach (var gone in _files.Keys.Except(listed.Select(f => f.Path), StringComparer.Ordinal).ToList())
        {
            _files.Remove(gone);
        }

        var next = Clusters();
        var events = new List<ManifestEvent>();
        foreach (var (name, entry) in next)
        {
            var before = _clusters.GetValueOrDefault(name);
            if (entry.Errors.Count > 0)
            {
                if (before is null || before.Errors.Count == 0 || !before.Errors.SequenceEqual(entry.Errors))
                {
                    events.Add(new ManifestEvent(ManifestEventKind.Invalid, name) { File = entry.File, Errors = entry.Errors, NoticedAt = noticedAt });
                }
            }
            else if (before is null || before.Errors.Count > 0 || before.SpecHash != entry.SpecHash)
            {
                events.Add(new ManifestEvent(ManifestEventKind.Upserted, name) { Manifest = entry.Manifest, SpecHash = entry.SpecHash, File = entry.File, NoticedAt = noticedAt });
            }
        }

        events.AddRange(_clusters.Keys.Except(next.Keys, StringComparer.Ordinal)
            .Select(name => new ManifestEvent(ManifestEventKind.Deleted, name) { File = _clusters[name].File, NoticedAt = noticedAt }));
        _clusters = next;

        // Files that name no cluster: their errors have no cluster's status to go to, so they travel together.
        var unattributed = _files.Where(f => f.Value.Names.Count == 0 && f.Value.Errors.Count > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .SelectMany(f => f.Value.Errors)
            .ToList();
        if (!unattributed.SequenceEqual(_unattributed))
        {
            _unattributed = unattributed;
            events.Add(new ManifestEvent(ManifestEventKind.Unattributed, "") { Errors = unattributed, NoticedAt = noticedAt });
        }

        return events;
    }

    /// <summary>SHA-256 of the cluster as bound, so formatting and comments do not make a new generation.</summary>
    public static string SpecHash(LoadedManifest manifest) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest.Cluster))));

    private async Task ReloadAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var path = file.Path;
        var (text, refused) = await Task.Run(() => ManifestFiles.Read(file), cancellationToken);
        if (refused is null && text is null)
        {
            _files.Remove(path);
            return;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text ?? "refused:" + refused)));
        if (_files.TryGetValue(path, out var known) && known.Hash == hash)
        {
            return;
        }

        var result = refused is not null ? new ParseResult([], [refused]) : Validate(text!, path);
        var names = result.Errors.Count == 0 ? result.Manifests.Select(m => m.Cluster.Metadata.Name).ToList()
            : text is null ? [] : LooseNames(text, path);
        if (names.Count == 0 && known is not null)
        {
            // Unreadable YAML names nothing: the clusters it declared before are the ones now invalid.
            names = [.. known.Names];
        }

        _files[path] = new FileEntry(hash, result.Manifests, result.Errors, names);
    }

    // The budgets and the bounded read keep every known attack out; this catch keeps one unknown to us from stopping every cluster.
    private ParseResult Validate(string text, string path)
    {
        try
        {
            return HaClusterValidator.ParseAndValidate(text, path, _validation);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            return new ParseResult([], [new ManifestError(path, 1, 1, "", $"HaKube could not read this file ({e.GetType().Name}: {e.Message}); please report it")]);
        }
    }

    private Dictionary<string, ClusterEntry> Clusters()
    {
        var declared = new Dictionary<string, List<(string File, FileEntry Entry)>>(StringComparer.Ordinal);
        foreach (var (file, entry) in _files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            foreach (var name in entry.Names)
            {
                if (!declared.TryGetValue(name, out var list))
                {
                    declared[name] = list = [];
                }

                list.Add((file, entry));
            }
        }

        var clusters = new Dictionary<string, ClusterEntry>(StringComparer.Ordinal);
        foreach (var (name, places) in declared)
        {
            var (file, entry) = places[0];
            if (places.Count > 1)
            {
                // Two declarations of one name: acting on either could undo the other, so neither is acted on.
                var errors = places.Skip(1).Select(p => Locate(p.Entry, name, p.File).Error("metadata.name", $"cluster \"{name}\" is already declared in {file}; expected unique names")).ToList();
                clusters[name] = new ClusterEntry(null, null, file, errors);
            }
            else if (entry.Errors.Count > 0)
            {
                clusters[name] = new ClusterEntry(null, null, file, entry.Errors);
            }
            else
            {
                var manifest = entry.Manifests.First(m => m.Cluster.Metadata.Name == name);
                clusters[name] = new ClusterEntry(manifest, SpecHash(manifest), file, []);
            }
        }

        return clusters;
    }

    private static SourceMap Locate(FileEntry entry, string name, string file) =>
        entry.Manifests.FirstOrDefault(m => m.Cluster.Metadata.Name == name)?.Source
        ?? new SourceMap(file, new Dictionary<string, SourcePosition>(), SourcePosition.Start);

    /// <summary>metadata.name of every document that has one, read without binding, for files that do not validate.</summary>
    private static List<string> LooseNames(string text, string path)
    {
        var names = new List<string>();
        if (YamlBudget.Check(text, path) is not null)
        {
            return names; // too deep or too many aliases to be loaded at all
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is YamlMappingNode root
                    && root.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata)
                    && metadata is YamlMappingNode meta
                    && meta.Children.TryGetValue(new YamlScalarNode("name"), out var name)
                    && name is YamlScalarNode { Value: { Length: > 0 } value }
                    && IsClusterName(value))
                {
                    names.Add(value);
                }
            }
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            // Not YAML at all: the caller falls back to the names the file had before.
        }

        return names;
    }

    // Only a DNS-1123 name can name a status file (and a state-store folder).
    private static bool IsClusterName(string name) =>
        name.Length <= 253 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);

    private sealed record FileEntry(string Hash, IReadOnlyList<LoadedManifest> Manifests, IReadOnlyList<ManifestError> Errors, IReadOnlyList<string> Names);

    private sealed record ClusterEntry(LoadedManifest? Manifest, string? SpecHash, string File, IReadOnlyList<ManifestError> Errors);
}
