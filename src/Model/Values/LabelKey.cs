using System.Text.RegularExpressions;
using HaKube.Model.Validation;

namespace HaKube.Model.Values;

/// <summary>A Kubernetes label key: optional DNS-1123 prefix and '/', then a name of up to 63 characters.</summary>
internal sealed partial record LabelKey
{
    public const int MaxLength = 317;

    private LabelKey(string? prefix, string name)
    {
        Prefix = prefix;
        Name = name;
    }

    public string? Prefix { get; }

    public string Name { get; }

    public override string ToString() => Prefix is null ? Name : $"{Prefix}/{Name}";

    public static bool TryParse(string text, out LabelKey? value, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var prefix = slash < 0 ? null : text[..slash];
        var name = slash < 0 ? text : text[(slash + 1)..];
        if ((prefix is not null && !Syntax.IsDns1123Subdomain(prefix)) || name.Length is 0 or > 63 || !LabelName().IsMatch(name))
        {
            problem = $"{Printable.Quote(text)} is not a valid label key; expected [prefix/]name, the name at most 63 alphanumerics, '-', '_' or '.'";
            return false;
        }

        value = new LabelKey(prefix, name);
        problem = "";
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex LabelName();
}
