using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// LabelNodes, and the Nodes no spec host matches, from the Node list one control plane's probe
/// read (<see cref="HostFacts.Nodes"/>). Rules:
/// <list type="bullet">
/// <item>The Node of a spec host gets the spec's labels (added or changed), and loses the labels
/// HaKube set that the spec dropped (<see cref="NodeLabelOwnership"/>); other labels are never touched.</item>
/// <item>Not while the host gives up an old role or joins or leaves in this plan: its Node is about
/// to change, and the next plan sees it.</item>
/// <item>A Node that is neither a spec host's nor a departing host's (so never in the inventory) is
/// reported in <see cref="Plan.UnmanagedNodes"/>, never deleted: someone else joined it.</item>
/// </list>
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
