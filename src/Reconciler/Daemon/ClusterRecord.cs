using HaKube.Model.Loading;

namespace HaKube.Reconciler.Daemon;

/// <summary>A managed cluster as the loop knows it: its manifest (or why it has none that validates) and its generation.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Manifest">The valid manifest; null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Why the manifest does not validate.</param>
/// <param name="SpecHash">The valid manifest's hash.</param>
/// <param name="File">The declaring file.</param>
/// <param name="Generation">Directory mode's metadata.generation: counts changes of <paramref name="SpecHash"/>.</param>
/// <param name="NoticedAt">When the change that produced this record was first noticed (timestamp).</param>
public sealed record ClusterRecord(string Name, LoadedManifest? Manifest, IReadOnlyList<ManifestError> Errors, string? SpecHash, string? File, long Generation, long NoticedAt)
{
    public bool IsValid => Manifest is not null && Errors.Count == 0;
}
