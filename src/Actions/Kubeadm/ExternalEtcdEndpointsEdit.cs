using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// Rewrites only etcd.external.endpoints in kubeadm-config's ClusterConfiguration (kubeadm upgrade
/// rewrites other fields, so HaKube never replaces the document). kubeadm join and upgrade write
/// kube-apiserver's --etcd-servers from this list.
/// </summary>
internal static class ExternalEtcdEndpointsEdit
{
    /// <summary>Null when the document has no etcd.external.endpoints list.</summary>
    /// <exception cref="FormatException">The text is not a YAML mapping.</exception>
    public static IReadOnlyList<string>? Read(string clusterConfiguration)
    {
        var external = External(Load(clusterConfiguration));
        return external is not null && external.Children.TryGetValue(new YamlScalarNode("endpoints"), out var node) && node is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList()
            : null;
    }

    /// <exception cref="FormatException">Not a YAML mapping, or no etcd.external section.</exception>
    public static string Replace(string clusterConfiguration, IReadOnlyList<string> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var root = Load(clusterConfiguration);
        var external = External(root) ?? throw new FormatException("the ClusterConfiguration has no etcd.external section: this cluster's etcd is not external");
        external.Children[new YamlScalarNode("endpoints")] = new YamlSequenceNode(endpoints.Select(e => new YamlScalarNode(e)));
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString().TrimEnd();
        // YamlStream ends every document with "..."; kubeadm's own ConfigMap has no document end marker.
        if (text.EndsWith("...", StringComparison.Ordinal))
        {
            text = text[..^3].TrimEnd();
        }

        return text + "\n";
    }

    private static YamlMappingNode Load(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (HaKube.Model.Loading.YamlBudget.Check(text, "kubeadm-config") is { } overBudget)
        {
            throw new FormatException($"the ClusterConfiguration is not a kubeadm document: {overBudget.Message}");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"the ClusterConfiguration is not valid YAML: {e.Message}", e);
        }

        return stream.Documents is [{ RootNode: YamlMappingNode root }]
            ? root
            : throw new FormatException("the ClusterConfiguration is not one YAML mapping");
    }

    private static YamlMappingNode? External(YamlMappingNode root) =>
        root.Children.TryGetValue(new YamlScalarNode("etcd"), out var etcd) && etcd is YamlMappingNode etcdMap
        && etcdMap.Children.TryGetValue(new YamlScalarNode("external"), out var external) && external is YamlMappingNode externalMap
            ? externalMap
            : null;
}
