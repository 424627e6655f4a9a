using System.CommandLine;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Reconciler.Execution;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube plan -f PATH [--output json] [--state-dir DIR]</c>: probe every host, plan, print
/// the steps with their reasons; changes no host. Exit 0 nothing to do, 2 changes pending, 1 error.
/// The pipeline without Prepare: the store stays byte-identical (material it would generate is made
/// in memory), and the session's store is read-only besides.
/// </summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "HaCluster manifest file or directory.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var stateDir = new Option<string>("--state-dir") { Description = "State store root (one folder per cluster).", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var allow = AllowPathsOutsideOption.Create();
        var command = new Command("plan", "Probe the hosts and print what apply would do, with a reason per step; changes no host.") { file, output, stateDir, allow };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var writer = parse.InvocationConfiguration.Output;
            var problems = new List<string>();
            if (await CommandManifests.LoadAsync(parse, file, allow, problems, cancellationToken) is not var (loaded, allowed))
            {
                return ExitCodes.Failure;
            }

            var pending = false;
            await using var pool = new SshConnectionPool();
            foreach (var manifest in loaded.Manifests)
            {
                try
                {
                    var session = await SessionFactory.CreateAsync(manifest, pool, parse.GetValue(stateDir)!, cancellationToken, readOnlyState: true, allowPathsOutside: allowed);
                    var plan = (await new ClusterPipeline(session).PlanOnlyAsync(cancellationToken)).Plan;
                    var name = manifest.Cluster.Metadata.Name;
                    if (parse.GetValue(output) == "json")
                    {
                        await writer.WriteLineAsync(PlanOutput.ToJson(name, plan));
                    }
                    else
                    {
                        PlanOutput.WriteTable(writer, name, plan);
                    }

                    pending |= !plan.IsConverged;
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"error: {e.Message}");
                    return ExitCodes.Failure;
                }
            }

            return pending ? ExitCodes.ChangesPending : ExitCodes.Success;
        });
        return command;
    }
}
