namespace HaKube.Actions.State;

/// <summary>Items by relative path, in files or Secrets. Backends never log contents: items hold private keys.</summary>
public interface IStateBackend
{
    /// <summary>For messages; never secret.</summary>
    string Location { get; }

    /// <summary>Null when absent.</summary>
    Task<string?> ReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>A reader sees either the old or the new text.</summary>
    Task WriteAsync(string name, string content, CancellationToken cancellationToken);

    /// <summary>False when another writer got there first; the caller reads theirs, so a generate-once value stays one.</summary>
    Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken);
}
