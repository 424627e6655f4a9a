namespace HaKube.Model.Validation;

/// <summary>What validation needs to know about the world, passed in so that validation stays pure.</summary>
/// <param name="Mode">Where the manifest came from.</param>
/// <param name="FileExists">Answers whether a path named by the manifest (already resolved against the manifest's folder) exists; File mode only.</param>
public sealed record ValidationOptions(ManifestMode Mode, Func<string, bool>? FileExists = null)
{
    public static readonly ValidationOptions CustomResource = new(ManifestMode.CustomResource);
}
