using System.Globalization;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using Spectre.Console;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// apply's progress: one line per round and per step (started, done with its time, failed), and
/// on a terminal a live status line naming what runs now. With --output json nothing is printed
/// while running; the events are kept for the final document.
/// </summary>
internal sealed class ApplyProgress(IAnsiConsole console, bool quiet) : IExecutionObserver
{
    private readonly Lock _gate = new();
    private readonly List<object> _events = [];

    /// <summary>Updated with the step that runs now, when a live view is shown.</summary>
    public StatusContext? Live { get; set; }

    public IReadOnlyList<object> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public void RoundPlanned(int round, Plan plan)
    {
        Record(new { @event = "planned", round, steps = plan.Steps.Count, refusals = plan.Refusals.Count });
        Line(plan.IsConverged
            ? $"[grey]round {round}:[/] converged"
            : $"[grey]round {round}:[/] {plan.Steps.Count} step(s) planned{(plan.Refusals.Count > 0 ? $", {plan.Refusals.Count} refused" : "")}");
    }

    public void StepStarted(PlanStep planStep)
    {
        Record(new { @event = "started", kind = planStep.Kind.ToString(), hosts = planStep.Hosts, reason = planStep.Reason });
        Line($"  [blue]>[/] {Markup.Escape(Describe(planStep))}: {Markup.Escape(planStep.Reason)}");
        Live?.Status($"{planStep.Kind} on {string.Join(", ", planStep.Hosts)}");
    }

    public void StepSucceeded(PlanStep planStep, TimeSpan elapsed)
    {
        Record(new { @event = "succeeded", kind = planStep.Kind.ToString(), hosts = planStep.Hosts, seconds = Math.Round(elapsed.TotalSeconds, 2) });
        Line($"  [green]ok[/] {Markup.Escape(Describe(planStep))} ({Seconds(elapsed)})");
    }

    public void StepFailed(PlanStep planStep, Exception failure, TimeSpan elapsed)
    {
        Record(new { @event = "failed", kind = planStep.Kind.ToString(), hosts = planStep.Hosts, seconds = Math.Round(elapsed.TotalSeconds, 2), error = failure.Message });
        Line($"  [red]FAILED[/] {Markup.Escape(Describe(planStep))} ({Seconds(elapsed)})");
    }

    private static string Describe(PlanStep step) => $"{step.Kind} [{string.Join(", ", step.Hosts)}]";

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private void Record(object item)
    {
        lock (_gate)
        {
            _events.Add(item);
        }
    }

    private void Line(string markup)
    {
        if (!quiet)
        {
            lock (_gate)
            {
                console.MarkupLine(markup);
            }
        }
    }
}
