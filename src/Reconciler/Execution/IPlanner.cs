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
}
