using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
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
            Plan(cluster, facts, desired, endpoint, departing, new Dictionary<string, IReadOnlyList<HostRole>>());

        public Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint, IReadOnlyList<HostSpec> departing, IReadOnlyDictionary<string, IReadOnlyList<HostRole>> setUpRoles)
        {
            // The session names previous machines among the departing hosts by their keys (their SSH targets); the planner takes them typed.
            var previous = departing.Select(h => PreviousMachine.TryParse(h.Name, out var machine) ? machine : (PreviousMachine?)null).OfType<PreviousMachine>().ToList();
            var hosts = departing.Where(h => !PreviousMachine.TryParse(h.Name, out _)).ToList();
            return Planner.Plan(cluster, facts.ToDictionary(f => f.Host, StringComparer.Ordinal), desired, endpoint, hosts, setUpRoles, previous);
        }
    }
}
