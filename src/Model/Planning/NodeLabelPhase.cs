using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// LabelNodes: the spec's labels on each Node, HaKube's dropped ones removed, others never touched; Nodes no
/// spec host matches are reported in <see cref="Plan.UnmanagedNodes"/>, never deleted.
/// </summary>
internal static class NodeLabelPhase
{
    private static readonly StepKind[] NodeChanging = [StepKind.JoinWorker, StepKind.JoinControlPlane, StepKind.InitControlPlane, StepKind.UpgradeControlPlane, StepKind.UpgradeWorker];

    public static void Plan(PlanBuilder plan, string? anchor)
    {
        if (plan.ListedNodes is not { } nodes)
        {
            return;
        }

        var known = plan.Spec.Hosts.Select(h => h.Name).Concat(plan.Departing.Select(h => h.Name)).ToHashSet(StringComparer.Ordinal);
        plan.UnmanagedNodes = nodes.Select(n => n.Name).Where(n => !known.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (anchor is null)
        {
            return;
        }

        var changes = new List<NodeLabelChange>();
        foreach (var host in plan.Spec.Hosts)
        {
            if (nodes.FirstOrDefault(n => n.Name == host.Name) is not { } node || plan.AwaitsCleanup(host.Name) || NodeChanging.Any(k => plan.IsPlanned(k, host.Name)))
            {
                continue;
            }

            if (NodeLabelOwnership.Diff(node, host.Labels) is { } change)
            {
                changes.Add(change);
            }
        }

        if (changes.Count > 0)
        {
            plan.Step(StepKind.LabelNodes, changes.Select(c => c.Node).ToList(),
                $"node labels differ from the spec ({string.Join("; ", changes.Select(c => $"{c.Node}: {c.Describe()}"))}); labels HaKube did not set are kept");
        }
    }
}
