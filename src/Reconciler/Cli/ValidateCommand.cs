using System.CommandLine;
using HaKube.Reconciler.Manifests;

namespace HaKube.Reconciler.Cli;

/// <summary><c>hakube validate PATH...</c>: parse and validate manifests; exit 0 valid, 1 invalid.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Manifest files or directories (searched recursively for *.yaml and *.yml).",
            Arity = ArgumentArity.OneOrMore,
        };
        var allow = AllowPathsOutsideOption.Create();
        var command = new Command("validate", "Parse and validate HaCluster manifests; touches no host.") { paths, allow };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            var allowed = AllowPathsOutsideOption.Folders(parse, allow, problems);
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("error: " + problem);
            }

            if (problems.Count > 0)
            {
                return ExitCodes.Failure;
            }

            var result = await ManifestFiles.LoadAsync(parse.GetValue(paths)!, cancellationToken, allowed);
            foreach (var problem in result.Errors)
            {
                await error.WriteLineAsync(problem.ToString());
            }

            if (!result.Succeeded)
            {
                await error.WriteLineAsync($"{result.Errors.Count} error(s)");
                return ExitCodes.Failure;
            }

            foreach (var manifest in result.Manifests)
            {
                await output.WriteLineAsync($"{manifest.Source.File}: HaCluster {manifest.Cluster.Metadata.Name} is valid");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
