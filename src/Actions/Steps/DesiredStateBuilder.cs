using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>The <see cref="DesiredState"/> the planner compares with the probe. Contents stay here; the plan only ever sees hashes.</summary>
public static class DesiredStateBuilder
{
    public static DesiredState Build(HaCluster cluster, ClusterMaterial material)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var files = new Dictionary<string, IReadOnlyList<DesiredFile>>(StringComparer.Ordinal);
        foreach (var host in cluster.Spec.Hosts)
        {
            var desired = ManagedFiles.For(cluster, host, material).Select(f => f.ToDesired()).ToList();
            if (desired.Count > 0)
            {
                files[host.Name] = desired;
            }
        }

        return new DesiredState(files);
    }
}
