using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>The planner as the executor sees it: desired cluster, observed facts and desired files in, plan out. Pure.</summary>
public interface IPlanner
{
    Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired, EndpointFacts? endpoint = null);
}
