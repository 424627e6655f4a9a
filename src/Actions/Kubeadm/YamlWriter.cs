using System.Globalization;
using System.Text;

namespace HaKube.Actions.Kubeadm;

/// <summary>Block-style YAML, written by hand so the bytes depend on this file only and a library upgrade cannot reformat every golden file.</summary>
internal static class YamlWriter
{
    private const int Indent = 2;

    public static string WriteDocuments(IReadOnlyList<string> headerComments, IReadOnlyList<YamlMapping> documents)
    {
        var text = new StringBuilder();
        foreach (var comment in headerComments)
        {
            // A comment ends at the line's end: a newline in one (a host name, say) would start a line of YAML.
            text.Append("# ").Append(HaKube.Model.Values.Printable.Escape(comment)).Append('\n');
        }

        for (var i = 0; i < documents.Count; i++)
        {
            if (i > 0)
            {
                text.Append("---\n");
            }

            WriteMappingEntries(text, documents[i], 0, firstLinePrefix: null);
        }

        return text.ToString();
    }

    private static void WriteMappingEntries(StringBuilder text, YamlMapping mapping, int indent, string? firstLinePrefix)
    {
        var first = true;
        foreach (var (key, value) in mapping.Entries)
        {
            text.Append(first && firstLinePrefix is not null ? firstLinePrefix : new string(' ', indent));
            first = false;
            text.Append(YamlScalars.Format(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteValue(StringBuilder text, YamlNode value, int indent)
    {
        switch (value)
        {
            case YamlMapping { Entries.Count: 0 }:
                text.Append(" {}\n");
                break;
            case YamlMapping mapping:
                text.Append('\n');
                WriteMappingEntries(text, mapping, indent + Indent, firstLinePrefix: null);
                break;
            case YamlSequence { Items.Count: 0 }:
                text.Append(" []\n");
                break;
            case YamlSequence sequence:
                text.Append('\n');
                WriteSequenceItems(text, sequence, indent + Indent);
                break;
            default:
                text.Append(' ').Append(FormatScalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteSequenceItems(StringBuilder text, YamlSequence sequence, int indent)
    {
        var dash = new string(' ', indent) + "- ";
        foreach (var item in sequence.Items)
        {
            switch (item)
            {
                case YamlMapping { Entries.Count: > 0 } mapping:
                    // The first entry shares the dash's line; the rest line up under it.
                    WriteMappingEntries(text, mapping, indent + Indent, firstLinePrefix: dash);
                    break;
                case YamlMapping or YamlSequence:
                    throw new NotSupportedException("empty mappings and nested sequences inside sequences are not needed by kubeadm documents");
                default:
                    text.Append(dash).Append(FormatScalar(item)).Append('\n');
                    break;
            }
        }
    }

    private static string FormatScalar(YamlNode node) => node switch
    {
        YamlString s => YamlScalars.Format(s.Value),
        YamlInteger i => i.Value.ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"{node.GetType().Name} is not a scalar"),
    };
}
