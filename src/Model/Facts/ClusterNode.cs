namespace HaKube.Model.Facts;

/// <summary>A Node as kube-apiserver lists it; OwnedLabels come from <see cref="NodeLabelOwnership.OwnerAnnotation"/>.</summary>
public sealed record ClusterNode(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> OwnedLabels);
