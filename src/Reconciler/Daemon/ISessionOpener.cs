using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Model.Loading;
using HaKube.Reconciler.Execution;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// Where a reconcile pass gets its SSH session and client key: the only thing that differs between
/// directory mode (a key file next to the manifest) and custom-resource mode (a Secret).
/// </summary>
internal interface ISessionOpener
{
    /// <summary>The session, with its key (see <see cref="ClusterSession.Key"/> for who frees it).</summary>
    /// <exception cref="InvalidOperationException">The key or host keys cannot be had; the message says which.</exception>
    Task<ClusterSession> OpenAsync(LoadedManifest manifest, CancellationToken cancellationToken);
}

/// <summary>Directory mode: key and known_hosts files relative to the manifest; binary versions and unstored material kept across passes.</summary>
internal sealed class FileSessionOpener(SshConnectionPool pool, DaemonOptions options, TimeProvider? time = null) : ISessionOpener
{
    private readonly BinaryVersionCache _versions = new();
    private readonly UnstoredMaterialCache _unstored = new();

    public Task<ClusterSession> OpenAsync(LoadedManifest manifest, CancellationToken cancellationToken) =>
        SessionFactory.CreateAsync(
            manifest, pool, options.StateDirectory, cancellationToken, allowPathsOutside: options.AllowPathsOutside, versions: _versions, time: time, unstored: _unstored);
}
