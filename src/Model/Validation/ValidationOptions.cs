namespace HaKube.Model.Validation;

/// <summary>What validation needs to know about the world, passed in so that validation stays pure.</summary>
/// <param name="Mode">Where the manifest came from.</param>
/// <param name="Files">
/// Answers for the files a manifest names (File mode): whether each exists, is a regular file of
/// bounded size, and lies inside the folders it may; null skips those checks (only the grammar of
/// the paths is checked).
/// </param>
public sealed record ValidationOptions(ManifestMode Mode, IReferencedFiles? Files = null)
{
    public static readonly ValidationOptions CustomResource = new(ManifestMode.CustomResource);
}
