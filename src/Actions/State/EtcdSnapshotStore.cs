using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace HaKube.Actions.State;

/// <summary>
/// The etcd snapshots of one cluster, as files: STATE/clusters/CLUSTER/snapshots/CLUSTER-UTCSTAMP.db in file
/// mode, 0600 in a 0700 folder (a snapshot holds every Secret of the cluster), each with a
/// <c>.sha256</c> file in sha256sum's format beside it. The time a snapshot was taken is in its
/// name, so listing, scheduling and retention need nothing but the folder. The stamp is to the
/// second; a second snapshot within the same second (an on-demand run beside a scheduled one, or
/// two runs in a row) gets CLUSTER-UTCSTAMP-1.db, then -2, ...: names never collide, and the
/// sequence orders them.
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

    /// <param name="directory">The snapshots folder.</param>
    /// <param name="cluster">The cluster's name, the prefix of every file name.</param>
    public EtcdSnapshotStore(string directory, string cluster)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        _cluster = cluster;
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>
    /// The snapshots of the cluster whose state is <paramref name="store"/>: its folder's snapshots/
    /// in file mode. When the state lives in Secrets (custom-resource mode), snapshots are still
    /// files, under STATE_ROOT/namespaces/NAMESPACE/CLUSTER/snapshots: a Secret holds at most 1 MiB, and a
    /// snapshot is a backup that must not live only inside what it backs up.
    /// </summary>
    public static EtcdSnapshotStore For(ClusterStateStore store, string stateRoot, string? clusterNamespace, string cluster)
    {
        ArgumentNullException.ThrowIfNull(store);
        var directory = store.FileDirectory is { } folder
            ? Path.Combine(folder, FolderName)
            : Path.Combine(StateLayout.NamespacedFolder(stateRoot, string.IsNullOrEmpty(clusterNamespace) ? "default" : clusterNamespace, cluster), FolderName);
        return new EtcdSnapshotStore(directory, cluster);
    }

    /// <summary>The snapshots folder.</summary>
    public string Directory { get; }

    /// <summary>The file the <paramref name="sequence"/>th snapshot (from 0) taken within the second of <paramref name="takenAt"/> is kept in.</summary>
    public string PathFor(DateTimeOffset takenAt, int sequence = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var suffix = sequence == 0 ? "" : "-" + sequence.ToString(CultureInfo.InvariantCulture);
        return Path.Combine(Directory, $"{_cluster}-{takenAt.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture)}{suffix}{Extension}");
    }

    /// <summary>Every snapshot of the cluster, oldest first (by time, then sequence); files that do not follow the naming are ignored.</summary>
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
            if (DateTimeOffset.TryParseExact(match.Groups["stamp"].Value, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var takenAt))
            {
                snapshots.Add(new StoredSnapshot(path, takenAt, new FileInfo(path).Length, sequence));
            }
        }

        return snapshots.OrderBy(s => s.TakenAt).ThenBy(s => s.Sequence).ToList();
    }

    /// <summary>The newest snapshot, or null when there is none.</summary>
    public StoredSnapshot? Newest() => List() is [.., var newest] ? newest : null;

    /// <summary>
    /// Creates a 0600 file in the snapshots folder for a download in progress; <see cref="CommitAsync"/>
    /// renames it to its final name once verified, and <see cref="Discard"/> removes it otherwise.
    /// </summary>
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

    /// <summary>
    /// Gives the verified partial file its final name, the first free one of its second (and writes
    /// its .sha256 beside it); the partial file is gone either way.
    /// </summary>
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

    /// <summary>Removes a partial file; nothing happens when it is already gone.</summary>
    public static void Discard(string partialPath) => File.Delete(partialPath);

    /// <summary>Deletes the oldest snapshots beyond the newest <paramref name="keep"/>; returns what it deleted.</summary>
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

    /// <summary>The SHA-256 of a file as lower-case hex, read in a stream.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    [GeneratedRegex("^(?<stamp>[0-9]{8}T[0-9]{6}Z)(-(?<sequence>[1-9][0-9]{0,8}))?$")]
    private static partial Regex StampPattern();
}
