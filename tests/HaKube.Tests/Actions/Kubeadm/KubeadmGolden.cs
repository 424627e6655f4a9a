using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>Where the kubeadm golden files live (the source tree, so an update run rewrites the checked-in files).</summary>
internal static class KubeadmGolden
{
    /// <summary>Set to 1 to rewrite the golden files from the current rendering; review the diff before committing.</summary>
    public const string UpdateVariable = "HAKUBE_UPDATE_GOLDEN";

    public static string Directory => RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "golden", "kubeadm");

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static string PathOf(KubeadmGoldenCase goldenCase) => Path.Combine(Directory, goldenCase.FileName);
}
