using System.Text.Json.Nodes;

namespace HaKube.Model.Facts;

/// <summary>
/// The labels HaKube keeps on a Node after its join: spec.hosts[].labels are added or changed, and
/// a label is removed only when HaKube set it (its key is in the <see cref="OwnerAnnotation"/>
/// annotation) and the spec no longer has it. Labels a user or another controller set are never
/// touched. kubeadm's node-labels at join set the spec's labels without the annotation: the first
/// change after the join records them.
/// </summary>
public static class NodeLabelOwnership
{
    /// <summary>The annotation listing, comma-separated and sorted, the label keys HaKube set on the Node.</summary>
    public const string OwnerAnnotation = "hakube.io/labels";

    /// <summary>What brings <paramref name="node"/> in line with <paramref name="desired"/>; null when it already is.</summary>
    public static NodeLabelChange? Diff(ClusterNode node, IReadOnlyDictionary<string, string>? desired)
    {
        ArgumentNullException.ThrowIfNull(node);
        desired ??= new Dictionary<string, string>();
        var set = desired.Where(d => !node.Labels.TryGetValue(d.Key, out var have) || have != d.Value)
            .OrderBy(d => d.Key, StringComparer.Ordinal).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var remove = node.OwnedLabels.Where(k => !desired.ContainsKey(k) && node.Labels.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var owned = desired.Keys.Order(StringComparer.Ordinal).ToList();
        var ownedChanged = !owned.SequenceEqual(node.OwnedLabels.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        return set.Count == 0 && remove.Count == 0 && !ownedChanged ? null : new NodeLabelChange(node.Name, set, remove, owned);
    }

    /// <summary>The annotation's keys; empty for null or blank.</summary>
    public static IReadOnlyList<string> ParseOwned(string? annotation) =>
        string.IsNullOrWhiteSpace(annotation) ? [] : annotation.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Labels to set and to remove on one Node, and the keys HaKube owns afterwards.</summary>
public sealed record NodeLabelChange(string Node, IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Remove, IReadOnlyList<string> Owned)
{
    /// <summary>A JSON merge patch for the Node: set labels, null for removed ones, and the owner annotation (null when HaKube owns none).</summary>
    public string MergePatch()
    {
        var labels = new JsonObject();
        foreach (var (key, value) in Set)
        {
            labels[key] = value;
        }

        foreach (var key in Remove)
        {
            labels[key] = null;
        }

        var annotations = new JsonObject { [NodeLabelOwnership.OwnerAnnotation] = Owned.Count == 0 ? null : string.Join(',', Owned) };
        return new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels, ["annotations"] = annotations } }.ToJsonString();
    }

    /// <summary>"set a=1, b=2; remove c", for plan reasons.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Set.Count > 0)
        {
            parts.Add("set " + string.Join(", ", Set.Select(s => $"{s.Key}={s.Value}")));
        }

        if (Remove.Count > 0)
        {
            parts.Add("remove " + string.Join(", ", Remove));
        }

        if (parts.Count == 0)
        {
            parts.Add($"record {(Owned.Count == 0 ? "no label" : string.Join(", ", Owned))} as HaKube's ({NodeLabelOwnership.OwnerAnnotation})");
        }

        return string.Join("; ", parts);
    }
}
