namespace HaKube.Actions.Kubeadm;

/// <summary>Component arguments: v1beta3 takes a map, v1beta4 a list of <c>{name, value}</c>.</summary>
internal static class ExtraArgs
{
    /// <summary>Sorted by name, whatever order they come in.</summary>
    public static YamlNode Render(KubeadmApiVersion api, IReadOnlyList<KeyValuePair<string, string>> arguments)
    {
        var sorted = arguments.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        if (sorted.Select(a => a.Key).Distinct(StringComparer.Ordinal).Count() != sorted.Count)
        {
            // v1beta4 would take repeats, v1beta3's map cannot; HaKube never needs them, so both refuse.
            throw new ArgumentException("an argument name is given twice", nameof(arguments));
        }

        return api == KubeadmApiVersion.V1Beta3
            ? Yaml.Map(sorted.Select(a => (a.Key, (YamlNode?)Yaml.Str(a.Value))).ToArray())
            : Yaml.Seq(sorted.Select(a => Yaml.Map(("name", Yaml.Str(a.Key)), ("value", Yaml.Str(a.Value)))));
    }
}
