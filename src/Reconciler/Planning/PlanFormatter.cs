using HaKube.Model.Planning;

namespace HaKube.Reconciler.Planning;

/// <summary>
/// A plan as plain text lines for people: a numbered table of steps (the wave column says which
/// steps run together: consecutive steps of one kind without a membership change), then what was
/// refused and what waits for the next plan. No colours; the CLI decorates.
/// </summary>
public static class PlanFormatter
{
    public static IReadOnlyList<string> Lines(Plan plan)
    {
        var lines = new List<string>();
        if (plan.IsConverged)
        {
            lines.Add("Nothing to do: the hosts match the spec.");
            lines.AddRange(Unmanaged(plan));
            return lines;
        }

        if (plan.Steps.Count > 0)
        {
            var kindWidth = Math.Max("STEP".Length, plan.Steps.Max(s => s.Kind.ToString().Length + (s.ChangesEtcdMembership ? 2 : 0)));
            var hostWidth = Math.Max("HOSTS".Length, plan.Steps.Max(s => string.Join(",", s.Hosts).Length));
            lines.Add($"{"#",3}  {"WAVE",4}  {"STEP".PadRight(kindWidth)}  {"HOSTS".PadRight(hostWidth)}  REASON");
            var waves = Waves(plan.Steps);
            for (var i = 0; i < plan.Steps.Count; i++)
            {
                var step = plan.Steps[i];
                var kind = step.Kind + (step.ChangesEtcdMembership ? " *" : "");
                lines.Add($"{i + 1,3}  {waves[i],4}  {kind.PadRight(kindWidth)}  {string.Join(",", step.Hosts).PadRight(hostWidth)}  {step.Reason}");
            }

            if (plan.Steps.Any(s => s.ChangesEtcdMembership))
            {
                lines.Add("  * changes etcd membership: runs alone, behind the quorum guard");
            }
        }

        lines.AddRange(plan.Refusals.Select(r => "refused: " + r));
        lines.AddRange(plan.Deferred.Select(d => "next plan: " + d));
        lines.AddRange(Unmanaged(plan));
        return lines;
    }

    private static IEnumerable<string> Unmanaged(Plan plan) =>
        plan.UnmanagedNodes is { Count: > 0 } nodes
            ? [$"unmanaged Nodes (no spec host, never set up by HaKube; left alone): {string.Join(", ", nodes)}"]
            : [];

    /// <summary>The wave (1-based) each step runs in, as <see cref="Plan"/> defines parallelism.</summary>
    public static IReadOnlyList<int> Waves(IReadOnlyList<PlanStep> steps)
    {
        var waves = new int[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            var joinsPrevious = i > 0 && steps[i].Kind == steps[i - 1].Kind && !steps[i].ChangesEtcdMembership && !steps[i - 1].ChangesEtcdMembership;
            waves[i] = i == 0 ? 1 : joinsPrevious ? waves[i - 1] : waves[i - 1] + 1;
        }

        return waves;
    }
}
