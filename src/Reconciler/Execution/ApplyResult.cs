using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>How an apply ended.</summary>
/// <param name="Converged">The last plan was empty.</param>
/// <param name="Rounds">Probe-plan-run rounds used.</param>
/// <param name="StepsRun">Steps that ran (and succeeded).</param>
/// <param name="LastPlan">The last plan made.</param>
/// <param name="Error">Why it stopped without converging: a failed step, refusals, or the round limit.</param>
public sealed record ApplyResult(bool Converged, int Rounds, int StepsRun, Plan LastPlan, string? Error);
