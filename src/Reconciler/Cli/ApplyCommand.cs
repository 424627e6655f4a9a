using System.CommandLine;
using System.Text.Json;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Reconciler.Execution;
using Spectre.Console;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube apply -f PATH [--yes] [--output json] [--state-dir DIR]</c>: probe, plan and run,
/// round after round, until converged. Exit 0 converged, 1 failed. It changes hosts, so it asks
/// first on a terminal and needs --yes otherwise.
/// </summary>
internal static class ApplyCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "HaCluster manifest file or directory.", Required = true };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before changing hosts." };
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var stateDir = new Option<string>("--state-dir") { Description = "State store root (one folder per cluster).", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var allow = AllowPathsOutsideOption.Create();
        var command = new Command("apply", "Probe, plan and run the steps until the hosts match the manifest (kubeadm HA, automated).") { file, yes, output, stateDir, allow };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var writer = parse.InvocationConfiguration.Output;
            var json = parse.GetValue(output) == "json";
            var problems = new List<string>();
            if (await CommandManifests.LoadAsync(parse, file, allow, problems, cancellationToken) is not var (loaded, allowed))
            {
                return ExitCodes.Failure;
            }

            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected && !json;
            if (!parse.GetValue(yes) && !interactive)
            {
                await error.WriteLineAsync("error: apply changes hosts; pass --yes to run it without a terminal to confirm on");
                return ExitCodes.Failure;
            }

            var console = PlanOutput.Console(writer);
            var results = new List<object>();
            var failed = false;
            await using var pool = new SshConnectionPool();
            foreach (var manifest in loaded.Manifests)
            {
                var name = manifest.Cluster.Metadata.Name;
                try
                {
                    var session = await SessionFactory.CreateAsync(manifest, pool, parse.GetValue(stateDir)!, cancellationToken, allowPathsOutside: allowed);
                    if (!parse.GetValue(yes) && !await ConfirmAsync(console, session, name, cancellationToken))
                    {
                        await error.WriteLineAsync("apply cancelled");
                        return ExitCodes.Failure;
                    }

                    var progress = new ApplyProgress(console, quiet: json);
                    var loop = new ApplyLoop(session, progress) { Logger = new WarningWriterLogger(error) };
                    var result = interactive
                        ? await console.Status().StartAsync($"applying {name}", async status =>
                        {
                            progress.Live = status;
                            return await loop.RunAsync(cancellationToken);
                        })
                        : await loop.RunAsync(cancellationToken);
                    failed |= !result.Converged;
                    results.Add(new { cluster = name, converged = result.Converged, rounds = result.Rounds, stepsRun = result.StepsRun, error = result.Error, events = progress.Events });
                    if (!json)
                    {
                        if (result.Converged)
                        {
                            console.MarkupLine($"[green]{Markup.Escape(name)}: converged[/] ({result.StepsRun} step(s) run in {result.Rounds} round(s))");
                        }
                        else
                        {
                            await error.WriteLineAsync($"{name}: apply failed: {result.Error}");
                        }
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"error: {e.Message}");
                    return ExitCodes.Failure;
                }
            }

            if (json)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(results, Json));
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<bool> ConfirmAsync(IAnsiConsole console, ClusterSession session, string name, CancellationToken cancellationToken)
    {
        // Plan only: a user who declines leaves the inventory and the store as they were.
        var plan = (await new ClusterPipeline(session).PlanOnlyAsync(cancellationToken)).Plan;
        PlanOutput.WriteTable(Console.Out, name, plan);
        return plan.IsConverged || await console.ConfirmAsync("Run these steps (and those the next rounds plan)?", defaultValue: false, cancellationToken);
    }
}
