using System.Text.Json.Nodes;

namespace HaKube.Model.Facts;

/// <summary>
/// HaKube removes a Node label only if it set it (the key is in <see cref="OwnerAnnotation"/>), so
/// labels of users and other controllers are never touched. Labels set by kubeadm at join carry
/// no annotation: the first change after the join records them.
/// </summary>
public static class NodeLabelOwnership
{
    /// <summary>Comma-separated, sorted label keys HaKube set.</summary>
    public const string OwnerAnnotation = "hakube.io/labels";

    /// <summary>Null when <paramref name="node"/> already matches.</summary>
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

    public static IReadOnlyList<string> ParseOwned(string? annotation) =>
        string.IsNullOrWhiteSpace(annotation) ? [] : annotation.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Labels to set and remove on one Node, and the keys HaKube owns afterwards.</summary>
public sealed record NodeLabelChange(string Node, IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Remove, IReadOnlyList<string> Owned)
{
    /// <summary>Removed labels are null; the annotation is null when HaKube owns none.</summary>
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
