namespace HaKube.Model.Loading;

/// <summary>The manifests read from a text and every error found in it.</summary>
public sealed record ParseResult(IReadOnlyList<LoadedManifest> Manifests, IReadOnlyList<ManifestError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}
