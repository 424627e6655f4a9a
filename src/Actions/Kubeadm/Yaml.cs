namespace HaKube.Actions.Kubeadm;

/// <summary>Short constructors, so document builders read like the YAML they produce.</summary>
internal static class Yaml
{
    public static YamlString Str(string value) => new(value);

    public static YamlInteger Int(long value) => new(value);

    public static YamlSequence Seq(IEnumerable<YamlNode> items) => new(items.ToList());

    public static YamlSequence Strings(IEnumerable<string> items) => Seq(items.Select(Str));

    /// <summary>Entries with a null value are left out.</summary>
    public static YamlMapping Map(params (string Key, YamlNode? Value)[] entries) =>
        new(entries
            .Where(e => e.Value is not null)
            .Select(e => new KeyValuePair<string, YamlNode>(e.Key, e.Value!))
            .ToList());
}
