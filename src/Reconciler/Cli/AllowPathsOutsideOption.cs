using System.CommandLine;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>--allow-paths-outside DIR</c> (repeatable): folders besides the manifest's own where the key
/// and known_hosts files a manifest names may resolve to. Without it a manifest cannot make HaKube
/// read a key from anywhere but its own folder tree (kustomize's default load restriction).
/// </summary>
internal static class AllowPathsOutsideOption
{
    public static Option<string[]> Create() => new("--allow-paths-outside")
    {
        Description = "Also accept key and known_hosts paths that resolve into DIR (repeatable); by default they must lie in the manifest's folder.",
        Arity = ArgumentArity.ZeroOrMore,
        HelpName = "DIR",
    };

    /// <summary>The folders given, or an error for one that does not exist.</summary>
    public static IReadOnlyList<string> Folders(ParseResult parse, Option<string[]> option, List<string> problems)
    {
        var folders = parse.GetValue(option) ?? [];
        foreach (var folder in folders.Where(f => !Directory.Exists(f)))
        {
            problems.Add($"--allow-paths-outside: {folder}: no such directory");
        }

        return folders;
    }
}
