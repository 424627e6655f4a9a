using System.Collections.Concurrent;

namespace HaKube.Actions.State;

/// <summary>One folder per kind under the state root, so no cluster name can land on a status file.</summary>
/// <remarks>
/// The old layout is migrated on first use, one atomic rename(2) per item: a rerun after a crash
/// finishes, and a concurrent migration loses each race harmlessly.
/// </remarks>
internal static class StateLayout
{
    public const string ClustersFolder = "clusters";

    public const string NamespacesFolder = "namespaces";

    // The old layout's status folder; it also held the state of a cluster called "status".
    private const string StatusFolder = "status";

    // What only a cluster's state folder holds at its top (see ClusterStateStore).
    private static readonly string[] StateItems = ["authorities.json", "apiserver-etcd-client.json", "etcd-members", "admin.conf", "inventory.json", "snapshots"];

    private static readonly ConcurrentDictionary<string, bool> Migrated = new(StringComparer.Ordinal);

    /// <summary>The root is migrated first.</summary>
    public static string ClusterFolder(string root, string cluster)
    {
        var full = Path.GetFullPath(root);
        EnsureMigrated(full);
        return Path.Combine(full, ClustersFolder, cluster);
    }

    /// <summary>Custom-resource mode's snapshots; the root is migrated first.</summary>
    public static string NamespacedFolder(string root, string clusterNamespace, string cluster)
    {
        var full = Path.GetFullPath(root);
        EnsureMigrated(full);
        return Path.Combine(full, NamespacesFolder, clusterNamespace, cluster);
    }

    /// <summary>Does nothing on a migrated or empty root.</summary>
    public static void Migrate(string root)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            return;
        }

        var clusters = Path.Combine(full, ClustersFolder);
        var parked = Path.Combine(full, ".migrating-clusters");

        // A cluster once called "clusters" owns the folder the new layout needs: park it, then put it inside.
        if (HoldsState(clusters))
        {
            TryMove(clusters, parked);
        }

        if (Directory.Exists(parked))
        {
            AtomicFile.EnsurePrivateDirectory(clusters);
            TryMove(parked, Path.Combine(clusters, ClustersFolder));
        }

        foreach (var folder in new DirectoryInfo(full).EnumerateDirectories())
        {
            var name = folder.Name;
            if (name.StartsWith('.') || name is ClustersFolder or NamespacesFolder || folder.LinkTarget is not null)
            {
                continue;
            }

            if (name == StatusFolder)
            {
                // Status files stay; a cluster called "status" had its state items beside them.
                foreach (var item in StateItems.Where(i => Path.Exists(Path.Combine(folder.FullName, i))))
                {
                    AtomicFile.EnsurePrivateDirectory(Path.Combine(clusters, StatusFolder));
                    TryMove(Path.Combine(folder.FullName, item), Path.Combine(clusters, StatusFolder, item));
                }
            }
            else if (HoldsState(folder.FullName))
            {
                AtomicFile.EnsurePrivateDirectory(clusters);
                TryMove(folder.FullName, Path.Combine(clusters, name));
            }
            else if (folder.EnumerateDirectories().Any(c => Directory.Exists(Path.Combine(c.FullName, "snapshots"))))
            {
                // Custom-resource mode's old STATE/NAMESPACE/NAME/snapshots.
                AtomicFile.EnsurePrivateDirectory(Path.Combine(full, NamespacesFolder));
                TryMove(folder.FullName, Path.Combine(full, NamespacesFolder, name));
            }
        }
    }

    private static void EnsureMigrated(string root)
    {
        if (Migrated.ContainsKey(root))
        {
            return;
        }

        Migrate(root);
        Migrated[root] = true;
    }

    private static bool HoldsState(string folder) =>
        Directory.Exists(folder) && new FileInfo(folder).LinkTarget is null && StateItems.Any(i => Path.Exists(Path.Combine(folder, i)));

    // rename(2): atomic; when another process already moved it (or the target exists), there is nothing left to do here.
    private static void TryMove(string from, string to)
    {
        if (Path.Exists(to))
        {
            return;
        }

        try
        {
            if (Directory.Exists(from))
            {
                Directory.Move(from, to);
            }
            else
            {
                File.Move(from, to, overwrite: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Lost a race with another migrating process, or the source is gone: the next use sees the result.
        }
    }
}
