using System.Text.Json;
using System.Text.Json.Serialization;
using HaKube.Actions.State;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Directory mode's status store: STATE/status/NAME.json, one per cluster, folder 0700 and files
/// 0600 (a status names hosts and errors: no secrets, but nothing others need either), written
/// atomically. <c>hakube status</c> reads the same files.
/// </summary>
public sealed class StatusWriter
{
    public const string FolderName = "status";

    /// <summary>The errors of manifest files that name no cluster; '_' starts no cluster name, so no status file can be this one.</summary>
    public const string UnattributedFileName = "_files.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <param name="stateRoot">The state directory (default /var/lib/hakube); statuses go in its status folder.</param>
    public StatusWriter(string stateRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateRoot);
        Directory = Path.Combine(Path.GetFullPath(stateRoot), FolderName);
    }

    /// <summary>The status folder.</summary>
    public string Directory { get; }

    public string PathOf(string cluster)
    {
        // Cluster names are validated DNS-1123 names before they get here; a path separator would be a bug.
        if (cluster.Contains('/', StringComparison.Ordinal) || cluster.StartsWith('.'))
        {
            throw new ArgumentException($"\"{cluster}\" cannot name a status file", nameof(cluster));
        }

        return Path.Combine(Directory, cluster + ".json");
    }

    public Task WriteAsync(StatusDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        return AtomicFile.WriteAsync(PathOf(document.Cluster), JsonSerializer.Serialize(document, Json) + "\n", cancellationToken);
    }

    /// <summary>The cluster's last status, or null if none was written (or the file cannot be read).</summary>
    public async Task<StatusDocument?> ReadAsync(string cluster, CancellationToken cancellationToken)
    {
        var path = PathOf(cluster);
        return File.Exists(path) ? await ReadFileAsync(path, cancellationToken) : null;
    }

    /// <summary>Every status file, by cluster name.</summary>
    public async Task<IReadOnlyList<StatusDocument>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var documents = new List<StatusDocument>();
        var files = System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith('_'))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (await ReadFileAsync(file, cancellationToken) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>Records the errors of the files that name no cluster (none: the record is removed).</summary>
    public Task WriteUnattributedAsync(IReadOnlyList<string> errors, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var path = Path.Combine(Directory, UnattributedFileName);
        if (errors.Count == 0)
        {
            File.Delete(path);
            return Task.CompletedTask;
        }

        return AtomicFile.WriteAsync(path, JsonSerializer.Serialize(new UnattributedErrors(at, errors), Json) + "\n", cancellationToken);
    }

    /// <summary>The errors of the files that name no cluster, as last recorded; none when there are none.</summary>
    public async Task<UnattributedErrors?> ReadUnattributedAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, UnattributedFileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<UnattributedErrors>(stream, Json, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Json);

    private static async Task<StatusDocument?> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<StatusDocument>(stream, Json, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null; // a file from another version, or one being replaced; the next write fixes it
        }
    }
}
