using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HaKube.Model.Loading;

/// <summary>
/// Bounds YAML before YamlDotNet's representation model (one recursion per nesting level: about 60,000
/// '[' kill the process) and the binder (an alias is walked per reference: gigabytes for a few hundred),
/// reading the parser's event stream in a loop with a depth and an expanded-node budget.
/// </summary>
public static class YamlBudget
{
    /// <summary>Nesting levels allowed; a HaCluster needs 6.</summary>
    public const int MaxDepth = 64;

    /// <summary>Every alias counted as the node it stands for; a 300-host manifest has a few thousand.</summary>
    public const long MaxNodes = 50_000;

    /// <summary>Null within both budgets, or when not YAML (the loader reports that).</summary>
    public static ManifestError? Check(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Size)>();
        var total = 0L;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                switch (current)
                {
                    case DocumentStart:
                        anchors.Clear(); // anchors belong to their document
                        break;
                    case MappingStart or SequenceStart:
                        if (open.Count >= MaxDepth)
                        {
                            return Error(file, current, $"invalid YAML: nesting deeper than {MaxDepth} levels; a HaCluster manifest needs fewer than 10");
                        }

                        open.Push((Anchor((NodeEvent)current), 1));
                        break;
                    case MappingEnd or SequenceEnd:
                        var (anchor, size) = open.Pop();
                        if (anchor is not null)
                        {
                            anchors[anchor] = size;
                        }

                        if (Complete(open, ref total, size))
                        {
                            return TooMany(file, current);
                        }

                        break;
                    case Scalar scalar:
                        if (Anchor(scalar) is { } name)
                        {
                            anchors[name] = 1;
                        }

                        if (Complete(open, ref total, 1))
                        {
                            return TooMany(file, current);
                        }

                        break;
                    case AnchorAlias alias:
                        // An unknown anchor is the loader's error to report; it counts as one node here.
                        if (Complete(open, ref total, anchors.GetValueOrDefault(alias.Value.Value, 1)))
                        {
                            return TooMany(file, current);
                        }

                        break;
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Not YAML (up to the point reached, it stayed within budget): the loader says where and why.
        }

        return null;
    }

    // Adds a finished node to its parent (or, at the top, to the text's total); true once over budget.
    private static bool Complete(Stack<(string? Anchor, long Size)> open, ref long total, long size)
    {
        if (open.Count == 0)
        {
            total = Math.Min(total + size, MaxNodes + 1);
            return total > MaxNodes;
        }

        var (anchor, sum) = open.Pop();
        sum = Math.Min(sum + size, MaxNodes + 1);
        open.Push((anchor, sum));
        return sum > MaxNodes || total + sum > MaxNodes;
    }

    private static string? Anchor(NodeEvent node) => node.Anchor.IsEmpty ? null : node.Anchor.Value;

    private static ManifestError TooMany(string file, ParsingEvent at) =>
        Error(file, at, $"invalid YAML: more than {MaxNodes} nodes, counting each alias as the node it stands for; a HaCluster manifest has a few thousand");

    private static ManifestError Error(string file, ParsingEvent at, string message) =>
        new(file, (int)at.Start.Line, (int)at.Start.Column, "", message);
}
