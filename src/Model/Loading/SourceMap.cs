using System.Collections.Frozen;

namespace HaKube.Model.Loading;

/// <summary>Where each field of one document stands, so errors found by validation can still name a line.</summary>
public sealed class SourceMap
{
    private readonly FrozenDictionary<string, SourcePosition> _positions;

    public SourceMap(string file, IReadOnlyDictionary<string, SourcePosition> positions, SourcePosition documentStart)
    {
        File = file;
        DocumentStart = documentStart;
        _positions = positions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public string File { get; }

    public SourcePosition DocumentStart { get; }

    /// <summary>Falls back to the nearest present ancestor: a defaulted field has no position.</summary>
    public SourcePosition Locate(string field)
    {
        var path = field;
        while (path.Length > 0)
        {
            if (_positions.TryGetValue(path, out var position))
            {
                return position;
            }

            path = Parent(path);
        }

        return DocumentStart;
    }

    public ManifestError Error(string field, string message)
    {
        var position = Locate(field);
        return new ManifestError(File, position.Line, position.Column, field, message);
    }

    /// <summary><c>path[key]</c>, with an over-long key cut so a hostile key cannot bloat every message.</summary>
    public static string KeyPath(string path, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length > MaxKeyShown ? $"{path}[{key[..MaxKeyShown]}...]" : $"{path}[{key}]";
    }

    private const int MaxKeyShown = 320;

    private static string Parent(string path)
    {
        var cut = path.LastIndexOfAny(['.', '[']);
        return cut < 0 ? "" : path[..cut];
    }
}
