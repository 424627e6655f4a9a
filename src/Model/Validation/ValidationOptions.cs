namespace HaKube.Model.Validation;

/// <summary>
/// What validation needs of the world, passed in to keep it pure. A null Files skips the checks of
/// the files a manifest names (existence, size, allowed folders), leaving only their path grammar.
/// </summary>
public sealed record ValidationOptions(ManifestMode Mode, IReferencedFiles? Files = null)
{
    public static readonly ValidationOptions CustomResource = new(ManifestMode.CustomResource);
}
