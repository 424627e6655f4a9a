using System.Text.Json;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using k8s;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// <c>hakube status --kubernetes</c>'s source: the HaClusters of a namespace with the status the
/// daemon wrote to their status subresource, shaped as directory mode's status documents so both
/// modes print (and serialise) the same way.
/// </summary>
internal static class CustomResourceStatusReader
{
    /// <summary>Every HaCluster of <paramref name="ns"/>, by name, as one list request.</summary>
    public static async Task<IReadOnlyList<StatusDocument>> ReadAllAsync(IKubernetes client, string ns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(
            HaClusterObject.Group, HaClusterObject.Version, ns, HaClusterObject.Plural, cancellationToken: cancellationToken);
        return list.GetProperty("items").EnumerateArray()
            .Select(HaClusterObject.From)
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(Document)
            .ToList();
    }

    /// <summary>
    /// The object as a status document: Manifest names the object; Managed is false once it is
    /// being deleted or HaKube has not taken it on (no finalizer); UpdatedAt is the latest condition
    /// transition, as the object carries no write time of its own.
    /// </summary>
    public static StatusDocument Document(HaClusterObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var status = HaClusterApi.StatusOf(resource) ?? new HaClusterStatus();
        return new StatusDocument
        {
            Cluster = resource.Name,
            Manifest = $"{HaClusterObject.Kind} {resource.Namespace}/{resource.Name} (generation {resource.Generation})",
            Managed = resource.HasFinalizer && !resource.Deleting,
            UpdatedAt = status.Conditions.Count == 0 ? default : status.Conditions.Max(c => c.LastTransitionTime),
            Status = status,
        };
    }
}
