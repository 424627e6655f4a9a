namespace HaKube.Model.Planning;

/// <summary>
/// The files HaKube renders for each host (computed by src/Actions), which the planner compares with what the
/// probe saw. Hashes only: the plan never carries a secret.
/// </summary>
/// <param name="Files">Host name to the files HaKube keeps on it.</param>
public sealed record DesiredState(IReadOnlyDictionary<string, IReadOnlyList<DesiredFile>> Files)
{
    public static readonly DesiredState None = new(new Dictionary<string, IReadOnlyList<DesiredFile>>());

    public IReadOnlyList<DesiredFile> FilesOf(string host) => Files.TryGetValue(host, out var files) ? files : [];
}
