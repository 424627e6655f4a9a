using System.Text;
using System.Text.RegularExpressions;

namespace HaKube.Actions.Rendering;

/// <summary>sysctl.d and modules-load.d have no quoting, so what would read as something else is refused.</summary>
internal static partial class ConfigLines
{
    public static string SysctlD(string comment, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = Header(comment);
        foreach (var (key, value) in settings)
        {
            if (!SysctlKey().IsMatch(key) || !SysctlValue().IsMatch(value))
            {
                throw new ArgumentException($"{HaKube.Model.Values.Printable.Quote(key)} = {HaKube.Model.Values.Printable.Quote(value)} cannot be written as a sysctl.d line", nameof(settings));
            }

            text.Append(key).Append(" = ").Append(value).Append('\n');
        }

        return text.ToString();
    }

    public static string ModulesLoad(string comment, IReadOnlyList<string> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var text = Header(comment);
        foreach (var module in modules)
        {
            if (!ModuleName().IsMatch(module))
            {
                throw new ArgumentException($"{HaKube.Model.Values.Printable.Quote(module)} is not a kernel module name", nameof(modules));
            }

            text.Append(module).Append('\n');
        }

        return text.ToString();
    }

    private static StringBuilder Header(string comment) =>
        new StringBuilder("# ").Append(HaKube.Model.Values.Printable.Escape(comment)).Append('\n');

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./-]*\z")]
    private static partial Regex SysctlKey();

    // A value may hold inner spaces (several numbers); not a comment start, no line break, nothing to trim.
    [GeneratedRegex(@"^[^\s#;](?:[^\x00-\x1f\x7f]*[^\s])?\z")]
    private static partial Regex SysctlValue();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\z")]
    private static partial Regex ModuleName();
}
