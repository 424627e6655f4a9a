using YamlDotNet.RepresentationModel;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>A rendered multi-document file parsed back with YamlDotNet, so tests assert meaning rather than text.</summary>
internal sealed class RenderedYaml
{
    private readonly IReadOnlyList<YamlMappingNode> _documents;

    public RenderedYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        _documents = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    public IEnumerable<string> Kinds => _documents.Select(d => ((YamlScalarNode)d["kind"]).Value!);

    public YamlMappingNode Document(string kind) => _documents.Single(d => ((YamlScalarNode)d["kind"]).Value == kind);

    /// <summary>The node at a dotted path (<c>etcd.external.endpoints</c>) of the document of that kind, or null.</summary>
    public YamlNode? Find(string kind, string path)
    {
        YamlNode? node = Document(kind);
        foreach (var key in path.Split('.'))
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    public string Scalar(string kind, string path) =>
        Find(kind, path) is YamlScalarNode scalar ? scalar.Value! : throw new AssertionException($"{kind} has no scalar at {path}");

    public IReadOnlyList<string> Strings(string kind, string path) =>
        Find(kind, path) is YamlSequenceNode sequence
            ? sequence.Children.Cast<YamlScalarNode>().Select(s => s.Value!).ToList()
            : throw new AssertionException($"{kind} has no sequence at {path}");

    /// <summary>kubeletExtraArgs (or any extraArgs) as name/value pairs, from either the v1beta3 map or the v1beta4 list.</summary>
    public IReadOnlyDictionary<string, string> Arguments(string kind, string path) => Find(kind, path) switch
    {
        null => new Dictionary<string, string>(),
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!),
        YamlSequenceNode list => list.Children.Cast<YamlMappingNode>().ToDictionary(
            c => ((YamlScalarNode)c["name"]).Value!, c => ((YamlScalarNode)c["value"]).Value!),
        _ => throw new AssertionException($"{kind}.{path} is neither a map nor a list"),
    };
}
