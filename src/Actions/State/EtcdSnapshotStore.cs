using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace HaKube.Actions.State;

/// <summary>
/// A cluster's etcd snapshots, CLUSTER-UTCSTAMP[-N].db, 0600 in a 0700 folder (a snapshot holds every
/// Secret), each with a sha256sum-style .sha256. The time is in the name, so listing, scheduling and
/// retention need only the folder; -N orders snapshots taken within one second.
/// </summary>
public sealed partial class EtcdSnapshotStore
{
    private const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";
    private const string Extension = ".db";
    private const string ChecksumExtension = ".sha256";
    private const string FolderName = "snapshots";

    // Bounds the search for a free name within one second; far more snapshots than one second holds.
    private const int MaxPerSecond = 1000;

    private readonly string _cluster;

    public EtcdSnapshotStore(string directory, string cluster)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        _cluster = cluster;
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>Files even with state in Secrets: a Secret holds 1 MiB, and a backup must not live inside what it backs up.</summary>
    public static EtcdSnapshotStore For(ClusterStateStore store, string stateRoot, string? clusterNamespace, string cluster)
    {
        ArgumentNullException.ThrowIfNull(store);
        var directory = store.FileDirectory is { } folder
            ? Path.Combine(folder, FolderName)
            : Path.Combine(StateLayout.NamespacedFolder(stateRoot, string.IsNullOrEmpty(clusterNamespace) ? "default" : clusterNamespace, cluster), FolderName);
        return new EtcdSnapshotStore(directory, cluster);
    }

    public string Directory { get; }

    public string PathFor(DateTimeOffset takenAt, int sequence = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var suffix = sequence == 0 ? "" : "-" + sequence.ToString(CultureInfo.InvariantCulture);
        return Path.Combine(Directory, $"{_cluster}-{takenAt.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture)}{suffix}{Extension}");
    }

    /// <summary>Oldest first; files not following the naming are ignored.</summary>
    public IReadOnlyList<StoredSnapshot> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var prefix = _cluster + "-";
        var snapshots = new List<StoredSnapshot>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            var name = Path.GetFileName(path);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || StampPattern().Match(name[prefix.Length..^Extension.Length]) is not { Success: true } match)
            {
                continue;
            }

            var sequence = match.Groups["sequence"].Success ? int.Parse(match.Groups["sequence"].Value, CultureInfo.InvariantCulture) : 0;
            if (DateTimeOffset.TryParseExact(match.Groups["stamp"].Value, StampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var takenAt))
            {
                snapshots.Add(new StoredSnapshot(path, takenAt, new FileInfo(path).Length, sequence));
            }
        }

        return snapshots.OrderBy(s => s.TakenAt).ThenBy(s => s.Sequence).ToList();
    }

    public StoredSnapshot? Newest() => List() is [.., var newest] ? newest : null;

    /// <summary>A 0600 file for a download, then <see cref="CommitAsync"/> or <see cref="Discard"/>.</summary>
    public (string Path, FileStream Stream) CreatePartial()
    {
        AtomicFile.EnsurePrivateDirectory(Directory);
        var path = Path.Combine(Directory, $".partial-{Guid.NewGuid():N}{Extension}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.PrivateFile;
        }

        return (path, new FileStream(path, options));
    }

    /// <summary>The first free name of its second, with its .sha256; the partial file is gone either way.</summary>
    public async Task<StoredSnapshot> CommitAsync(string partialPath, DateTimeOffset takenAt, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            for (var sequence = 0; sequence < MaxPerSecond; sequence++)
            {
                var final = PathFor(takenAt, sequence);
                try
                {
                    // Never overwrite: the move fails when the name is taken (by this process or
                    // another one, atomically), and the next sequence number is tried.
                    File.Move(partialPath, final, overwrite: false);
                }
                catch (IOException) when (File.Exists(final) && File.Exists(partialPath))
                {
                    continue;
                }

                await AtomicFile.WriteAsync(final + ChecksumExtension, $"{sha256}  {Path.GetFileName(final)}\n", cancellationToken);
                return new StoredSnapshot(final, takenAt, new FileInfo(final).Length, sequence);
            }

            throw new IOException($"{MaxPerSecond} snapshots were already taken at {PathFor(takenAt)} within one second; none is overwritten");
        }
        finally
        {
            Discard(partialPath);
        }
    }

    public static void Discard(string partialPath) => File.Delete(partialPath);

    /// <summary>Returns what it deleted.</summary>
    public IReadOnlyList<StoredSnapshot> Prune(int keep)
    {
        var doomed = SnapshotRetention.Expired(List(), keep);
        foreach (var snapshot in doomed)
        {
            File.Delete(snapshot.Path);
            File.Delete(snapshot.Path + ChecksumExtension);
        }

        return doomed;
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    [GeneratedRegex("^(?<stamp>[0-9]{8}T[0-9]{6}Z)(-(?<sequence>[1-9][0-9]{0,8}))?$")]
    private static partial Regex StampPattern();
}
