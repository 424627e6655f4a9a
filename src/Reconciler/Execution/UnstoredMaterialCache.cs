using System.Collections.Concurrent;
using System.Text.Json;
using HaKube.Actions.Steps;
using HaKube.Model.Api;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// Material made in memory for clusters that may not write it (paused, or a --dry-run daemon) while
/// their store has no authorities yet. The daemon keeps one across passes, per cluster and spec, so
/// such a cluster does not generate new RSA keys on every resync.
/// </summary>
public sealed class UnstoredMaterialCache
{
    private readonly ConcurrentDictionary<string, (string Spec, Task<ClusterMaterial> Material)> _clusters = new(StringComparer.Ordinal);

    /// <summary>The material made for this cluster's spec earlier, or <paramref name="make"/>'s (a failed make is not kept).</summary>
    public async Task<ClusterMaterial> GetOrMakeAsync(HaCluster cluster, Func<Task<ClusterMaterial>> make)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(make);
        var key = $"{cluster.Metadata.Namespace}/{cluster.Metadata.Name}";
        // The spec decides every name and SAN in the material; any change makes it anew.
        var spec = JsonSerializer.Serialize(cluster.Spec);
        if (_clusters.TryGetValue(key, out var kept) && kept.Spec == spec && kept.Material.IsCompletedSuccessfully)
        {
            return await kept.Material;
        }

        var made = make();
        _clusters[key] = (spec, made);
        return await made;
    }

    /// <summary>Drops what was kept for a cluster whose store now holds its own authorities.</summary>
    public void Forget(HaCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _clusters.TryRemove($"{cluster.Metadata.Namespace}/{cluster.Metadata.Name}", out _);
    }
}
