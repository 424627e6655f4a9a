using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Loading;
using HaKube.Reconciler.Manifests;

namespace HaKube.Reconciler.Execution;

/// <summary>Builds a <see cref="ClusterSession"/> from a manifest in directory mode: key and known_hosts relative to the manifest.</summary>
public static class SessionFactory
{
    /// <summary>
    /// The session (its key: see <see cref="ClusterSession.Key"/>). With
    /// <paramref name="readOnlyState"/> the session never writes the state store (`hakube plan`):
    /// see <see cref="ReadOnlyStateBackend"/>. <paramref name="versions"/>, <paramref name="time"/> and <paramref name="unstored"/>: see <see cref="ClusterSession"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The manifest names no key file, or the key or known_hosts cannot be read; the message says which.</exception>
    public static async Task<ClusterSession> CreateAsync(
        LoadedManifest manifest, SshConnectionPool pool, string stateRoot, CancellationToken cancellationToken,
        bool readOnlyState = false, IReadOnlyList<string>? allowPathsOutside = null, BinaryVersionCache? versions = null, TimeProvider? time = null,
        UnstoredMaterialCache? unstored = null)
    {
        var referenced = await ManifestReferences.LoadAsync(manifest, cancellationToken, allowPathsOutside);
        var (targets, key, knownHosts) = await ManifestSsh.LoadAsync(manifest, cancellationToken, allowPathsOutside);
        var store = new ClusterStateStore(stateRoot, manifest.Cluster.Metadata.Name);
        if (readOnlyState)
        {
            store = store.ReadOnly();
        }

        return new ClusterSession(manifest.Cluster, targets, pool, store, time, knownHosts, versions) { Referenced = referenced, Key = key, UnstoredMaterial = unstored };
    }
}
