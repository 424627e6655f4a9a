namespace HaKube.Actions.Probe;

internal sealed class RawOutput
{
    private readonly List<KeyValuePair<string, string>> _values = [];
    private readonly List<RawSection> _sections = [];

    public static RawOutput Read(string output)
    {
        var raw = new RawOutput();
        RawSection? open = null;
        foreach (var line in output.Split('\n'))
        {
            if (open is not null)
            {
                if (line.StartsWith("@@end", StringComparison.Ordinal))
                {
                    var status = line.Length > 6 && int.TryParse(line[6..], out var code) ? code : (int?)null;
                    raw._sections.Add(open with { Status = status });
                    open = null;
                }
                else if (line.Length > 0)
                {
                    open.Lines.Add(line);
                }
            }
            else if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                open = space < 0 ? new RawSection(line[2..], null, []) : new RawSection(line[2..space], line[(space + 1)..], []);
            }
            else if (line.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals)
            {
                raw._values.Add(new(line[..equals], line[(equals + 1)..]));
            }
        }

        return raw;
    }

    /// <summary>The last value printed.</summary>
    public string? Value(string key) => _values.LastOrDefault(v => v.Key == key).Value;

    public IEnumerable<string> Values(string key) => _values.Where(v => v.Key == key).Select(v => v.Value);

    public IEnumerable<RawSection> Sections(string name) => _sections.Where(s => s.Name == name);
}

internal sealed record RawSection(string Name, string? Argument, List<string> Lines, int? Status = null);
