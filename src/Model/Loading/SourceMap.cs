using System.Collections.Frozen;

namespace HaKube.Model.Loading;

/// <summary>
/// Where each field of one manifest document stands in its file, so that errors found after
/// binding (by validation) can still name a line and column.
/// </summary>
public sealed class SourceMap
{
    private readonly FrozenDictionary<string, SourcePosition> _positions;

    public SourceMap(string file, IReadOnlyDictionary<string, SourcePosition> positions, SourcePosition documentStart)
    {
        File = file;
        DocumentStart = documentStart;
        _positions = positions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The manifest's path.</summary>
    public string File { get; }

    /// <summary>Where the document starts.</summary>
    public SourcePosition DocumentStart { get; }

    /// <summary>
    /// The position of <paramref name="field"/>, or of its nearest ancestor that is present
    /// (a defaulted field has no position of its own).
    /// </summary>
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

    /// <summary>Builds an error located at <paramref name="field"/>.</summary>
    public ManifestError Error(string field, string message)
    {
        var position = Locate(field);
        return new ManifestError(File, position.Line, position.Column, field, message);
    }

    /// <summary>
    /// The field path of a map entry, <c>path[key]</c>; a key longer than a label key can be is cut,
    /// so a hostile key never makes every message that names it that long.
    /// </summary>
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
