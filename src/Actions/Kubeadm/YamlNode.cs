namespace HaKube.Actions.Kubeadm;

/// <summary>
/// The little YAML tree the kubeadm documents are built from. Mappings keep the order they were
/// built in, so the rendered text is stable from run to run and diffs stay readable.
/// </summary>
internal abstract record YamlNode;

/// <summary>A string; <see cref="YamlWriter"/> quotes it whenever a plain scalar could be read as something else.</summary>
internal sealed record YamlString(string Value) : YamlNode;

/// <summary>An integer, written as a plain YAML number.</summary>
internal sealed record YamlInteger(long Value) : YamlNode;

/// <summary>A sequence of nodes; an empty one is written <c>[]</c>.</summary>
internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items) : YamlNode;

/// <summary>A mapping with string keys in the order given; an empty one is written <c>{}</c>.</summary>
internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries) : YamlNode;
