using HaKube.Model.Loading;

namespace HaKube.Reconciler.Daemon;

/// <summary>What changed about one cluster in the manifest directory.</summary>
internal enum ManifestEventKind
{
    /// <summary>The cluster appeared or its manifest changed, and it validates.</summary>
    Upserted,

    /// <summary>The cluster's manifest no longer validates: report why, leave its hosts alone.</summary>
    Invalid,

    /// <summary>No manifest declares the cluster any more: stop managing it, tear nothing down.</summary>
    Deleted,

    /// <summary>
    /// The errors of every file that names no cluster (refused unread, not YAML, over a parsing
    /// budget), all of them each time that set changes; no cluster is named by the event.
    /// </summary>
    Unattributed,
}

/// <summary>One change to one cluster, as the directory source saw it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Cluster">metadata.name.</param>
internal sealed record ManifestEvent(ManifestEventKind Kind, string Cluster)
{
    /// <summary>Upserted: the manifest.</summary>
    public LoadedManifest? Manifest { get; init; }

    /// <summary>Upserted: SHA-256 of the cluster as read, so an unchanged re-save is not a new generation.</summary>
    public string? SpecHash { get; init; }

    /// <summary>The file that declares (or declared) the cluster.</summary>
    public string? File { get; init; }

    /// <summary>Invalid: every error of the file, located.</summary>
    public IReadOnlyList<ManifestError> Errors { get; init; } = [];

    /// <summary>When the change was first noticed (<see cref="TimeProvider.GetTimestamp"/>), to measure reaction time.</summary>
    public long NoticedAt { get; init; }
}
