namespace HaKube.Model.Values;

/// <summary>
/// A file a manifest names, as a canonical POSIX path ("..", only leading, no backslashes or control
/// characters). Where it may point is decided by the reader, after symlinks are resolved.
/// </summary>
internal sealed record FilePath
{
    /// <summary>PATH_MAX on Linux, and the CRD's maxLength.</summary>
    public const int MaxLength = 4096;

    public const string Pattern = "^[^\\x00-\\x1f\\x7f\\\\]+$";

    private FilePath(string value, IReadOnlyList<string> segments)
    {
        Value = value;
        Segments = segments;
    }

    public string Value { get; }

    public IReadOnlyList<string> Segments { get; }

    public bool IsAbsolute => Value.StartsWith('/');

    public bool ClimbsOut => !IsAbsolute && Segments.Count > 0 && Segments[0] == "..";

    public override string ToString() => Value;

    public static bool TryParse(string text, out FilePath? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        if (text.Length == 0)
        {
            problem = "empty path; expected a file's path relative to the manifest";
            return false;
        }

        if (text.Length > MaxLength || text.Any(c => Printable.IsUnsafe(c) || c == '\\'))
        {
            problem = $"{Printable.Quote(text)} is not a file path; expected at most {MaxLength} characters, no control characters or backslashes";
            return false;
        }

        var absolute = text.StartsWith('/');
        var segments = new List<string>();
        foreach (var segment in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment != ".." || !absolute)
            {
                segments.Add(segment);
            }
        }

        var canonical = (absolute ? "/" : "") + string.Join('/', segments);
        if (canonical.Length == 0 || canonical == "/" || (segments.Count > 0 && segments[^1] == ".."))
        {
            problem = $"{Printable.Quote(text)} names a folder, not a file";
            return false;
        }

        if (!string.Equals(canonical, text, StringComparison.Ordinal))
        {
            problem = $"{Printable.Quote(text)} is not in canonical form; expected {canonical}";
            return false;
        }

        value = new FilePath(text, segments);
        problem = "";
        return true;
    }
}
