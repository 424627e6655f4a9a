namespace HaKube.Reconciler.Execution;

/// <summary>
/// The planner plan and apply use. Today the interim one; when HaKube.Reconciler.Planning.Planner
/// lands, an adapter calling Planner.Plan(cluster, facts, desired) replaces it here, in one place.
/// </summary>
public static class PlannerProvider
{
    public static IPlanner Default { get; } = new InterimPlanner();
}
