using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>The planner as the executor sees it: desired cluster, observed facts and desired files in, plan out. Pure.</summary>
public interface IPlanner
{
    Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint = null);

    /// <summary>
    /// The plan with <paramref name="departing"/>: hosts HaKube set up that are no longer in the
    /// spec (their facts are among <paramref name="facts"/>), to be removed. A planner that does not
    /// know about them plans as if there were none.
    /// </summary>
    Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint, IReadOnlyList<HostSpec> departing) =>
        Plan(cluster, facts, desired, endpoint);

    /// <summary>
    /// The plan with <paramref name="departing"/> and <paramref name="setUpRoles"/>: the roles HaKube
    /// set up on spec hosts whose spec roles changed (from the inventory), whose old roles are cleaned
    /// up first. A planner that does not know about role changes plans without them.
    /// </summary>
    Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint, IReadOnlyList<HostSpec> departing, IReadOnlyDictionary<string, IReadOnlyList<HostRole>> setUpRoles) =>
        Plan(cluster, facts, desired, endpoint, departing);
}
