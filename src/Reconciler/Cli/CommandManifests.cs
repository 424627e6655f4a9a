using System.CommandLine;
using HaKube.Reconciler.Manifests;
using ManifestParse = HaKube.Model.Loading.ParseResult;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// The manifests a host-touching command (probe, plan, apply, etcd snapshot) was given with
/// <c>--file</c>, read only when its options are sound, so that bad input stops the command before
/// any host is reached.
/// </summary>
internal static class CommandManifests
{
    /// <summary>The manifests read, and the folders --allow-paths-outside accepts besides their own (for the keys they name).</summary>
    public sealed record Input(ManifestParse Loaded, IReadOnlyList<string> AllowPathsOutside);

    /// <summary>
    /// The loaded manifests, or null once every problem (the option problems already in
    /// <paramref name="problems"/> and those of <c>--allow-paths-outside</c> first, then the located
    /// manifest errors) has been written to the command's error stream.
    /// </summary>
    public static async Task<Input?> LoadAsync(ParseResult parse, Option<string> file, Option<string[]> allow, List<string> problems, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var allowed = AllowPathsOutsideOption.Folders(parse, allow, problems);
        foreach (var problem in problems)
        {
            await error.WriteLineAsync("error: " + problem);
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var loaded = await ManifestFiles.LoadAsync([parse.GetValue(file)!], cancellationToken, allowed);
        foreach (var problem in loaded.Errors)
        {
            await error.WriteLineAsync(problem.ToString());
        }

        return loaded.Succeeded ? new Input(loaded, allowed) : null;
    }
}
