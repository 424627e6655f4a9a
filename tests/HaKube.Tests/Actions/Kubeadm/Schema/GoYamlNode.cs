namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>A YAML node as written, with its position; mappings keep every key, so duplicates stay visible.</summary>
internal abstract record GoYamlNode(int Line, int Column);

/// <summary>A scalar as written: its text, whether it was plain (unquoted, not a block), and its explicit tag if any.</summary>
internal sealed record GoYamlScalarNode(string Text, bool Plain, string? Tag, int Line, int Column) : GoYamlNode(Line, Column);

internal sealed record GoYamlSequenceNode(IReadOnlyList<GoYamlNode> Items, int Line, int Column) : GoYamlNode(Line, Column);

internal sealed record GoYamlMappingNode(IReadOnlyList<GoYamlEntry> Entries, int Line, int Column) : GoYamlNode(Line, Column);

internal sealed record GoYamlEntry(GoYamlNode Key, GoYamlNode Value);

/// <summary>One document of a stream: its root (null when the document is empty) and where it starts.</summary>
internal sealed record GoYamlDocument(GoYamlNode? Root, int Line);
