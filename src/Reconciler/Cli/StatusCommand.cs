using System.CommandLine;
using HaKube.Actions.State;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using Spectre.Console;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube status [NAME] [--state-dir DIR] [--output json]</c>: what the daemon last saw and did,
/// read from the status files it writes. Exit 0; 1 when NAME has no status.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Description = "One cluster; all clusters when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var stateDir = new Option<string>("--state-dir") { Description = "The daemon's state directory.", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var output = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var command = new Command("status", "Show what the daemon last observed and did, per cluster.") { name, stateDir, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var statuses = new StatusWriter(parse.GetValue(stateDir)!);
            var all = await statuses.ReadAllAsync(cancellationToken);
            var wanted = parse.GetValue(name);
            var shown = wanted is null ? all : all.Where(d => d.Cluster == wanted).ToList();
            if (wanted is not null && shown.Count == 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: no status for cluster \"{wanted}\" in {statuses.Directory}");
                return ExitCodes.Failure;
            }

            if (parse.GetValue(output) == "json")
            {
                await writer.WriteLineAsync(StatusWriter.Serialize(wanted is null ? shown : shown[0]));
                return ExitCodes.Success;
            }

            if (shown.Count == 0)
            {
                await writer.WriteLineAsync($"no cluster status in {statuses.Directory} (is hakube run using this --state-dir?)");
                return ExitCodes.Success;
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
            if (Console.IsOutputRedirected)
            {
                console.Profile.Width = 200;
            }

            if (wanted is null)
            {
                WriteSummary(console, shown);
            }
            else
            {
                WriteDetail(console, shown[0]);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteSummary(IAnsiConsole console, IReadOnlyList<StatusDocument> documents)
    {
        var table = new Table().AddColumns("cluster", "phase", "ready hosts", "generation", "updated", "ready");
        foreach (var d in documents)
        {
            var ready = Conditions.Get(d.Status.Conditions, ConditionTypes.Ready);
            table.AddRow(
                new Text(d.Cluster + (d.Managed ? "" : " (unmanaged)")),
                new Markup(Phase(d.Status.Phase)),
                new Text(d.Status.ReadyHosts ?? "-"),
                new Text(d.Status.ObservedGeneration?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
                new Text(d.UpdatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
                new Text(ready is null ? "-" : $"{ready.Status} {ready.Reason}"));
        }

        console.Write(table);
    }

    private static void WriteDetail(IAnsiConsole console, StatusDocument d)
    {
        console.MarkupLine($"[bold]{Markup.Escape(d.Cluster)}[/]: {Phase(d.Status.Phase)}, generation {d.Status.ObservedGeneration}, {Markup.Escape(d.Status.ReadyHosts ?? "-")} hosts ready{(d.Managed ? "" : ", [yellow]no longer managed[/]")}");
        console.WriteLine($"manifest {d.Manifest}, updated {d.UpdatedAt:u}");
        foreach (var e in d.Errors)
        {
            console.MarkupLine("[red]" + Markup.Escape(e) + "[/]");
        }

        var conditions = new Table().AddColumns("condition", "status", "reason", "since", "message");
        foreach (var c in d.Status.Conditions)
        {
            conditions.AddRow(new Text(c.Type), new Text(c.Status), new Text(c.Reason), new Text(c.LastTransitionTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture)), new Text(c.Message));
        }

        console.Write(conditions);
        if (d.Status.LastEtcdSnapshot is { } snapshot)
        {
            console.WriteLine($"last etcd snapshot: {snapshot.File} ({snapshot.Size} bytes, taken {snapshot.TakenAt:u})");
        }

        var hosts = new Table().AddColumns("host", "reachable", "roles", "kubelet/kubeadm", "etcd member", "certificates until");
        foreach (var h in d.Status.Hosts)
        {
            hosts.AddRow(
                new Text(h.Name),
                new Markup(h.Reachable ? "[green]yes[/]" : "[red]no[/] " + Markup.Escape(h.Error ?? "")),
                new Text(string.Join(",", h.Roles)),
                new Text($"{h.KubeletVersion ?? "-"}/{h.KubeadmVersion ?? "-"}"),
                new Text(h.EtcdMember ?? "-"),
                new Text(h.CertificatesNotAfter?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"));
        }

        console.Write(hosts);
        if (d.Status.Plan.Count == 0)
        {
            console.WriteLine("plan: nothing pending");
            return;
        }

        console.WriteLine("plan:");
        foreach (var step in d.Status.Plan)
        {
            console.WriteLine($"  {step.Action} [{string.Join(", ", step.Hosts)}]: {step.Reason}");
        }
    }

    private static string Phase(ClusterPhase? phase) => phase switch
    {
        ClusterPhase.Ready => "[green]Ready[/]",
        ClusterPhase.Failed or ClusterPhase.Degraded => $"[red]{phase}[/]",
        null => "-",
        _ => $"[yellow]{phase}[/]",
    };
}
