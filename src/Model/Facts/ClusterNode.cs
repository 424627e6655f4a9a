namespace HaKube.Model.Facts;

/// <summary>A Node as kube-apiserver lists it.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Labels">metadata.labels.</param>
/// <param name="OwnedLabels">The keys in the Node's <see cref="NodeLabelOwnership.OwnerAnnotation"/> annotation; empty without it.</param>
public sealed record ClusterNode(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> OwnedLabels);
