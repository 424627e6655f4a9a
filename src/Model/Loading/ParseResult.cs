namespace HaKube.Model.Loading;

public sealed record ParseResult(IReadOnlyList<LoadedManifest> Manifests, IReadOnlyList<ManifestError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}
