namespace HaKube.Model.Planning;

/// <summary>
/// What the hosts should hold beyond what the spec says directly: the files HaKube renders (CA
/// material from the state store, HAProxy and etcd configuration, the pod network manifest),
/// computed from the spec and the state store by src/Actions, and compared by the planner with
/// what the probe saw. No content, only hashes: the plan never carries a secret.
/// </summary>
/// <param name="Files">Host name to the files HaKube keeps on it.</param>
public sealed record DesiredState(IReadOnlyDictionary<string, IReadOnlyList<DesiredFile>> Files)
{
    public static readonly DesiredState None = new(new Dictionary<string, IReadOnlyList<DesiredFile>>());

    public IReadOnlyList<DesiredFile> FilesOf(string host) => Files.TryGetValue(host, out var files) ? files : [];
}
