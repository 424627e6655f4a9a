namespace HaKube.Model.Planning;

/// <summary>
/// The ordered steps that bring the hosts to the spec, and what could not be planned. Steps run
/// in order; a run of consecutive steps of the same kind without a membership change may run in
/// parallel. An empty plan with no refusals means converged.
/// </summary>
public sealed record Plan(IReadOnlyList<PlanStep> Steps, IReadOnlyList<Refusal> Refusals)
{
    public static readonly Plan Empty = new([], []);

    /// <summary>Needed steps left for the next plan; never set without <see cref="Steps"/> (they wait for one of them).</summary>
    public IReadOnlyList<Deferral> Deferred { get; init; } = [];

    /// <summary>
    /// Nodes kube-apiserver lists that match no spec host and were never set up by HaKube (not in the
    /// inventory): reported, never deleted. Null when no control plane listed the Nodes in this pass.
    /// </summary>
    public IReadOnlyList<string>? UnmanagedNodes { get; init; }

    /// <summary>Nothing to do and nothing refused.</summary>
    public bool IsConverged => Steps.Count == 0 && Refusals.Count == 0;

    /// <summary>What a paused cluster's plan shows: no step, and one refusal that counts the steps that would run.</summary>
    public Plan WhilePaused()
    {
        var paused = new Refusal(null, null, RefusalCause.Paused, Steps.Count == 0
            ? "paused (spec.paused: true): nothing would change anyway"
            : $"paused (spec.paused: true): {Steps.Count} step(s) would run otherwise; HaKube observes and changes nothing");
        return new([], [paused, .. Refusals]) { UnmanagedNodes = UnmanagedNodes };
    }

    /// <summary>
    /// The steps grouped as they run, one wave after another: consecutive steps of one kind touch
    /// different hosts and run together, except that an etcd membership change always runs alone.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<PlanStep>> Waves
    {
        get
        {
            var waves = new List<IReadOnlyList<PlanStep>>();
            List<PlanStep>? wave = null;
            foreach (var step in Steps)
            {
                if (wave is null || wave[^1].Kind != step.Kind || wave[^1].ChangesEtcdMembership || step.ChangesEtcdMembership)
                {
                    wave = [];
                    waves.Add(wave);
                }

                wave.Add(step);
            }

            return waves;
        }
    }
}
