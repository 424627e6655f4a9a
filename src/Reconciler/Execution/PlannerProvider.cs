using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>The planner plan and apply use: HaKube.Model.Planning.Planner, behind <see cref="IPlanner"/> so tests can swap it.</summary>
public static class PlannerProvider
{
    public static IPlanner Default { get; } = new PurePlanner();

    private sealed class PurePlanner : IPlanner
    {
        public Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint = null) =>
            Planner.Plan(cluster, facts.ToDictionary(f => f.Host, StringComparer.Ordinal), desired, endpoint);

        public Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint, IReadOnlyList<HostSpec> departing) =>
            Planner.Plan(cluster, facts.ToDictionary(f => f.Host, StringComparer.Ordinal), desired, endpoint, departing);

        public Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint, IReadOnlyList<HostSpec> departing, IReadOnlyDictionary<string, IReadOnlyList<HostRole>> setUpRoles) =>
            Planner.Plan(cluster, facts.ToDictionary(f => f.Host, StringComparer.Ordinal), desired, endpoint, departing, setUpRoles);
    }
}
