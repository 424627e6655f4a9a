using System.Reflection;

namespace HaKube.Tests.Support;

/// <summary>Paths in the repository checkout the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root: the folder that holds HaKube.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Examples => Path.Combine(Root, "examples");

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var built = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "HaKube.sln")))
        {
            return built;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HaKube.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no HaKube.sln above {AppContext.BaseDirectory}");
    }
}
