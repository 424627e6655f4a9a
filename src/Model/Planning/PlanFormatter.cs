namespace HaKube.Model.Planning;

/// <summary>
/// A plan as plain text lines for people: a numbered table of steps (the wave column says which
/// steps run together: consecutive steps of one kind without a membership change), then what was
/// refused and what waits for the next plan. No colours; the CLI decorates.
/// </summary>
internal static class PlanFormatter
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
            var number = 0;
            foreach (var (wave, steps) in plan.Waves.Select((steps, i) => (i + 1, steps)))
            {
                foreach (var step in steps)
                {
                    var kind = step.Kind + (step.ChangesEtcdMembership ? " *" : "");
                    lines.Add($"{++number,3}  {wave,4}  {kind.PadRight(kindWidth)}  {string.Join(",", step.Hosts).PadRight(hostWidth)}  {step.Reason}");
                }
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
}
