using HaKube.Model.Status;

namespace HaKube.Reconciler.Daemon;

/// <summary>
/// One cluster's status file in directory mode (STATE/status/NAME.json): the status a custom
/// resource would carry, plus what directory mode needs to give observedGeneration a meaning.
/// </summary>
public sealed record StatusDocument
{
    /// <summary>metadata.name.</summary>
    public required string Cluster { get; init; }

    /// <summary>The manifest file the cluster was read from.</summary>
    public string? Manifest { get; init; }

    /// <summary>SHA-256 of the cluster as read (spec and metadata); observedGeneration counts its changes.</summary>
    public string? SpecHash { get; init; }

    /// <summary>False once the manifest is gone: HaKube stopped managing the cluster and left its hosts as they are.</summary>
    public bool Managed { get; init; } = true;

    /// <summary>When this file was written (daemon clock).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The manifest's errors, one "file:line:col: field: message" each, when it does not validate.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    public required HaClusterStatus Status { get; init; }
}
