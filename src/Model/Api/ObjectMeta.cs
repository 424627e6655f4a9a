using System.ComponentModel;

namespace HaKube.Model.Api;

public sealed record ObjectMeta
{
    [Description("The cluster's name: a DNS-1123 subdomain, unique in its namespace or directory.")]
    public required string Name { get; init; }

    [Description("The namespace (custom-resource mode); ignored in directory mode.")]
    public string? Namespace { get; init; }

    [Description("Labels on the HaCluster object.")]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [Description("Annotations on the HaCluster object.")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
