using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>
/// Reads a YAML stream into <see cref="GoYamlNode"/> trees, document by document, without
/// resolving scalars (that is <see cref="GoYamlScalars"/>'s job, done as go-yaml v2 does it).
/// Aliases are followed; anchors are per document, as in YAML.
/// </summary>
internal static class GoYamlReader
{
    /// <exception cref="YamlException">The text is not well-formed YAML.</exception>
    public static IReadOnlyList<GoYamlDocument> Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        var documents = new List<GoYamlDocument>();
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out var start))
        {
            var anchors = new Dictionary<string, GoYamlNode>(StringComparer.Ordinal);
            GoYamlNode? root = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, anchors);
            parser.Consume<DocumentEnd>();
            documents.Add(new GoYamlDocument(root, (int)start.Start.Line));
        }

        parser.Consume<StreamEnd>();
        return documents;
    }

    private static GoYamlNode ReadNode(IParser parser, Dictionary<string, GoYamlNode> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new SemanticErrorException(alias.Start, alias.End, $"unknown anchor '{alias.Value.Value}'");
        }

        var first = parser.Current as NodeEvent
            ?? throw new SemanticErrorException(parser.Current!.Start, parser.Current.End, "expected a node");
        var line = (int)first.Start.Line;
        var column = (int)first.Start.Column;
        GoYamlNode node;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
            node = new GoYamlScalarNode(scalar.Value, scalar.Style == ScalarStyle.Plain, tag, line, column);
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            var items = new List<GoYamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, anchors));
            }

            node = new GoYamlSequenceNode(items, line, column);
        }
        else
        {
            parser.Consume<MappingStart>();
            var entries = new List<GoYamlEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, anchors);
                entries.Add(new GoYamlEntry(key, ReadNode(parser, anchors)));
            }

            node = new GoYamlMappingNode(entries, line, column);
        }

        if (!first.Anchor.IsEmpty)
        {
            anchors[first.Anchor.Value] = node;
        }

        return node;
    }
}
