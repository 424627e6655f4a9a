namespace HaKube.Actions.State;

/// <summary>
/// Where a cluster's state store keeps its items: a folder of 0600 files (file mode), or Secrets
/// (custom-resource mode). An item is named by a relative path such as <c>authorities.json</c> or
/// <c>etcd-members/cp1.json</c> and holds text; the store decides what the text is. Backends never
/// log contents: items hold private keys.
/// </summary>
public interface IStateBackend
{
    /// <summary>Where the items live, for messages (a folder, or the Secrets' namespace and name prefix). Never secret.</summary>
    string Location { get; }

    /// <summary>The item's text, or null when it does not exist.</summary>
    Task<string?> ReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the item, so a reader sees either the old or the new text.</summary>
    Task WriteAsync(string name, string content, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the item only if it does not exist yet; false when another writer got there first
    /// (the caller then reads theirs, so a value meant to be generated once stays one).
    /// </summary>
    Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken);
}
