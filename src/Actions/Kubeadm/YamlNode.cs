namespace HaKube.Actions.Kubeadm;

/// <summary>A small YAML tree whose mappings keep their order, so the text is stable from run to run.</summary>
internal abstract record YamlNode;

/// <summary><see cref="YamlWriter"/> quotes it whenever a plain scalar could be read as something else.</summary>
internal sealed record YamlString(string Value) : YamlNode;

internal sealed record YamlInteger(long Value) : YamlNode;

internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items) : YamlNode;

internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries) : YamlNode;
