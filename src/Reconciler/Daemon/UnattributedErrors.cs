namespace HaKube.Reconciler.Daemon;

/// <summary>Errors of manifest files that name no cluster (unreadable, not YAML, over a parsing budget), each located; what <c>hakube status</c> shows under the clusters.</summary>
public sealed record UnattributedErrors(DateTimeOffset UpdatedAt, IReadOnlyList<string> Errors);
