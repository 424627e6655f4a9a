using System.Text.Json;
using System.Text.Json.Serialization;
using HaKube.Model.Planning;
using Spectre.Console;

namespace HaKube.Reconciler.Cli;

/// <summary>How plan and apply print a plan: a table for people, JSON for tools. Plans hold no secrets, only reasons.</summary>
internal static class PlanOutput
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string ToJson(string cluster, Plan plan) => JsonSerializer.Serialize(
        new
        {
            cluster,
            converged = plan.IsConverged,
            steps = plan.Steps.Select(s => new { kind = s.Kind, hosts = s.Hosts, reason = s.Reason, changesEtcdMembership = s.ChangesEtcdMembership }),
            refusals = plan.Refusals.Select(r => new { host = r.Host, step = r.Step, cause = r.Cause, detail = r.Detail, reason = r.Reason }),
            deferred = plan.Deferred.Select(d => new { host = d.Host, kind = d.Kind, reason = d.Reason }),
            unmanagedNodes = plan.UnmanagedNodes,
        },
        Json);

    public static void WriteTable(TextWriter writer, string cluster, Plan plan)
    {
        var console = Console(writer);
        if (plan.IsConverged)
        {
            console.MarkupLine($"[green]{Markup.Escape(cluster)}: converged, nothing to do[/]");
            WriteUnmanaged(console, plan);
            return;
        }

        if (plan.Steps.Count > 0)
        {
            var table = new Table().AddColumns("#", "step", "hosts", "reason");
            for (var i = 0; i < plan.Steps.Count; i++)
            {
                var step = plan.Steps[i];
                var number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                table.AddRow(new Text(number), new Text(step.Kind.ToString()), new Text(string.Join(", ", step.Hosts)), new Text(step.Reason));
            }

            console.Write(table);
        }

        foreach (var deferred in plan.Deferred)
        {
            console.MarkupLine($"[grey]next round: {Markup.Escape(deferred.ToString())}[/]");
        }

        foreach (var refusal in plan.Refusals)
        {
            console.MarkupLine($"[yellow]refused: {Markup.Escape(refusal.ToString())}[/]");
        }

        console.MarkupLine($"{Markup.Escape(cluster)}: {plan.Steps.Count} step(s) pending, {plan.Refusals.Count} refused");
        WriteUnmanaged(console, plan);
    }

    private static void WriteUnmanaged(IAnsiConsole console, Plan plan)
    {
        if (plan.UnmanagedNodes is { Count: > 0 } nodes)
        {
            console.MarkupLine($"[yellow]unmanaged Nodes (no spec host, never set up by HaKube; left alone): {Markup.Escape(string.Join(", ", nodes))}[/]");
        }
    }

    public static IAnsiConsole Console(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        // Redirected output has no width; 80 columns would wrap every reason.
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
