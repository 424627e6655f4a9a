namespace HaKube.Actions.Kubeadm;

/// <summary>
/// Since 1.16 the kubelet refuses to start when <c>--node-labels</c> holds a kubernetes.io or k8s.io
/// key other than its own (and NodeRestriction would reject it), which rules out node-role labels.
/// Those are set through the API once the node registered (<see cref="SetThroughApi"/>): a kubelet
/// that does not start is worse than a missing label.
/// </summary>
internal static class NodeLabels
{
    // The kubelet's own well-known labels, which it may also take from --node-labels.
    private static readonly HashSet<string> KubeletWellKnown = new(StringComparer.Ordinal)
    {
        "kubernetes.io/hostname",
        "kubernetes.io/arch",
        "kubernetes.io/os",
        "beta.kubernetes.io/arch",
        "beta.kubernetes.io/os",
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
        "failure-domain.beta.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone",
        "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone",
    };

    private static readonly string[] RestrictedNamespaces = ["kubernetes.io", "k8s.io"];

    private static readonly string[] KubeletNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    public static bool IsKubeletSettable(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return true;
        }

        var prefix = key[..slash].ToLowerInvariant();
        if (!RestrictedNamespaces.Any(n => IsSameOrSubdomain(prefix, n)))
        {
            return true;
        }

        return KubeletWellKnown.Contains(key) || KubeletNamespaces.Any(n => IsSameOrSubdomain(prefix, n));
    }

    /// <summary>Sorted by key (ordinal) so the rendering is stable.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> SetByKubelet(IReadOnlyDictionary<string, string>? labels) =>
        Sorted(labels).Where(l => IsKubeletSettable(l.Key)).ToList();

    /// <summary>Sorted by key.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> SetThroughApi(IReadOnlyDictionary<string, string>? labels) =>
        Sorted(labels).Where(l => !IsKubeletSettable(l.Key)).ToList();

    /// <summary>Null when there is nothing to pass.</summary>
    public static string? KubeletFlagValue(IReadOnlyDictionary<string, string>? labels)
    {
        var settable = SetByKubelet(labels);
        // The flag has no quoting: a ',' or '=' in a key or value would set another label (validation allows neither).
        if (settable.FirstOrDefault(l => l.Key.IndexOfAny([',', '=']) >= 0 || l.Value.IndexOfAny([',', '=']) >= 0) is { Key: not null } bad)
        {
            throw new ArgumentException($"label {HaKube.Model.Values.Printable.Quote(bad.Key)} cannot be passed in --node-labels", nameof(labels));
        }

        return settable.Count == 0 ? null : string.Join(',', settable.Select(l => $"{l.Key}={l.Value}"));
    }

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyDictionary<string, string>? labels) =>
        (labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal);

    private static bool IsSameOrSubdomain(string prefix, string domain) =>
        prefix == domain || prefix.EndsWith("." + domain, StringComparison.Ordinal);
}
