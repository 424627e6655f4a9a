using System.CommandLine;
using HaKube.Actions.State;
using HaKube.Model.Status;
using HaKube.Model.Values;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Kubernetes;
using k8s;
using k8s.Autorest;
using Spectre.Console;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube status [NAME] [--state-dir DIR] [--output json]</c>: what the daemon last saw and did,
/// read from the status files it writes; with <c>--kubernetes [--kubeconfig PATH] [--namespace NS]</c>,
/// from the HaClusters' status subresource instead. Same output either way. Exit 0; 1 when NAME has
/// no status or the API server cannot be read.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Description = "One cluster; all clusters when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var stateDir = new Option<string>("--state-dir") { Description = "The daemon's state directory.", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var output = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var kubernetes = new Option<bool>("--kubernetes") { Description = "Custom-resource mode: read the HaClusters' status from the API server (in-cluster, or --kubeconfig)." };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "With --kubernetes: the kubeconfig to use; default: the pod's service account in a pod, else $KUBECONFIG or ~/.kube/config.",
        };
        var ns = new Option<string?>("--namespace", "-n") { Description = "With --kubernetes: the HaClusters' namespace; default: POD_NAMESPACE, the pod's, the kubeconfig's, or default." };
        var command = new Command("status", "Show what the daemon last observed and did, per cluster.") { name, stateDir, output, kubernetes, kubeconfig, ns };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!parse.GetValue(kubernetes) && (parse.GetValue(kubeconfig) is not null || parse.GetValue(ns) is not null))
            {
                await error.WriteLineAsync("error: --kubeconfig and --namespace: only with --kubernetes");
                return ExitCodes.Failure;
            }

            var (all, where) = parse.GetValue(kubernetes)
                ? await FromApiServerAsync(parse.GetValue(kubeconfig), parse.GetValue(ns), error, cancellationToken)
                : await FromStateDirectoryAsync(parse.GetValue(stateDir)!, cancellationToken);
            if (all is null)
            {
                return ExitCodes.Failure;
            }

            var wanted = parse.GetValue(name);
            var shown = wanted is null ? all : all.Where(d => d.Cluster == wanted).ToList();
            if (wanted is not null && shown.Count == 0)
            {
                await error.WriteLineAsync($"error: no status for cluster \"{wanted}\" in {where}");
                return ExitCodes.Failure;
            }

            if (parse.GetValue(output) == "json")
            {
                await writer.WriteLineAsync(StatusWriter.Serialize(wanted is null ? shown : shown[0]));
                return ExitCodes.Success;
            }

            if (shown.Count == 0)
            {
                await writer.WriteLineAsync(parse.GetValue(kubernetes) ? $"no HaCluster in {where}" : $"no cluster status in {where} (is hakube run using this --state-dir?)");
                if (!parse.GetValue(kubernetes))
                {
                    await WriteUnattributedAsync(writer, parse.GetValue(stateDir)!, cancellationToken);
                }

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
                if (!parse.GetValue(kubernetes))
                {
                    await WriteUnattributedAsync(writer, parse.GetValue(stateDir)!, cancellationToken);
                }
            }
            else
            {
                WriteDetail(console, shown[0]);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // Files of the manifest directory that name no cluster: their errors are shown under the clusters.
    private static async Task WriteUnattributedAsync(TextWriter writer, string stateDir, CancellationToken cancellationToken)
    {
        if (await new StatusWriter(stateDir).ReadUnattributedAsync(cancellationToken) is not { Errors.Count: > 0 } unattributed)
        {
            return;
        }

        await writer.WriteLineAsync($"manifest files that name no cluster (as of {unattributed.UpdatedAt:u}):");
        foreach (var e in unattributed.Errors)
        {
            await writer.WriteLineAsync("  " + Printable.Escape(e));
        }
    }

    private static async Task<(IReadOnlyList<StatusDocument>? All, string Where)> FromStateDirectoryAsync(string stateDir, CancellationToken cancellationToken)
    {
        var statuses = new StatusWriter(stateDir);
        return (await statuses.ReadAllAsync(cancellationToken), statuses.Directory);
    }

    private static async Task<(IReadOnlyList<StatusDocument>? All, string Where)> FromApiServerAsync(string? kubeconfig, string? ns, TextWriter error, CancellationToken cancellationToken)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = CustomResourceMode.ClientConfiguration(kubeconfig);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return (null, "");
        }

        var chosen = CustomResourceMode.Namespace(ns, config, Environment.GetEnvironmentVariable);
        var where = $"namespace {chosen} on {config.Host}";
        try
        {
            using var client = new k8s.Kubernetes(config);
            return (await CustomResourceStatusReader.ReadAllAsync(client, chosen, cancellationToken), where);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException)
        {
            var reason = e is HttpOperationException http ? $"{(int)http.Response.StatusCode} {http.Response.ReasonPhrase}" : e.Message;
            await error.WriteLineAsync($"error: cannot list HaClusters in {where}: {reason}");
            return (null, where);
        }
    }

    private static void WriteSummary(IAnsiConsole console, IReadOnlyList<StatusDocument> documents)
    {
        var table = new Table().AddColumns("cluster", "phase", "ready hosts", "generation", "updated", "ready");
        foreach (var d in documents)
        {
            var ready = Conditions.Get(d.Status.Conditions, ConditionTypes.Ready);
            table.AddRow(
                new Text(Printable.Escape(d.Cluster) + (d.Managed ? "" : " (unmanaged)")),
                new Markup(Phase(d.Status.Phase)),
                new Text(d.Status.ReadyHosts ?? "-"),
                new Text(d.Status.ObservedGeneration?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
                new Text(d.UpdatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
                new Text(ready is null ? "-" : Printable.Escape($"{ready.Status} {ready.Reason}")));
        }

        console.Write(table);
    }

    private static void WriteDetail(IAnsiConsole console, StatusDocument d)
    {
        console.MarkupLine($"[bold]{Markup.Escape(d.Cluster)}[/]: {Phase(d.Status.Phase)}, generation {d.Status.ObservedGeneration}, " +
            $"{Markup.Escape(d.Status.ReadyHosts ?? "-")} hosts ready{(d.Managed ? "" : ", [yellow]no longer managed[/]")}");
        console.WriteLine($"manifest {Printable.Escape(d.Manifest ?? "-")}, updated {d.UpdatedAt:u}");
        foreach (var e in d.Errors)
        {
            console.MarkupLine("[red]" + Markup.Escape(Printable.Escape(e)) + "[/]");
        }

        var conditions = new Table().AddColumns("condition", "status", "reason", "since", "message");
        foreach (var c in d.Status.Conditions)
        {
            var since = c.LastTransitionTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
            conditions.AddRow(new Text(c.Type), new Text(c.Status), new Text(c.Reason), new Text(since), new Text(Printable.Escape(c.Message)));
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
                new Markup(h.Reachable ? "[green]yes[/]" : "[red]no[/] " + Markup.Escape(Printable.Escape(h.Error ?? ""))),
                new Text(string.Join(",", h.Roles)),
                new Text($"{h.KubeletVersion ?? "-"}/{h.KubeadmVersion ?? "-"}"),
                new Text(h.EtcdMember ?? "-"),
                new Text(h.CertificatesNotAfter?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "-"));
        }

        console.Write(hosts);
        WriteCertificates(console, d);
        console.WriteLine(d.Status.Plan.Count == 0 ? "plan: nothing pending" : "plan:");
        foreach (var step in d.Status.Plan)
        {
            console.WriteLine(Printable.Escape($"  {step.Action} [{string.Join(", ", step.Hosts)}]: {step.Reason}"));
        }

        foreach (var refusal in d.Status.Refusals)
        {
            var what = string.Join(" ", new[] { refusal.Host, refusal.Action }.OfType<string>());
            console.WriteLine(Printable.Escape($"refused ({refusal.Cause}): {(what.Length > 0 ? what + ": " : "")}{refusal.Message}"));
        }
    }

    // Every certificate the probe read, so that an operator sees which file expires when, not only the earliest per host.
    private static void WriteCertificates(IAnsiConsole console, StatusDocument d)
    {
        var rows = d.Status.Hosts.SelectMany(h => h.Certificates.Select(c => (Host: h.Name, Certificate: c))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns("host", "certificate", "not after", "days left");
        foreach (var (host, certificate) in rows)
        {
            var days = (certificate.NotAfter - d.UpdatedAt).TotalDays;
            table.AddRow(
                new Text(host),
                new Text(certificate.Path),
                new Text(certificate.NotAfter.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
                new Text(Math.Floor(days).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        console.Write(table);
    }

    private static string Phase(ClusterPhase? phase) => phase switch
    {
        ClusterPhase.Ready => "[green]Ready[/]",
        ClusterPhase.Failed or ClusterPhase.Degraded => $"[red]{phase}[/]",
        null => "-",
        _ => $"[yellow]{phase}[/]",
    };
}
