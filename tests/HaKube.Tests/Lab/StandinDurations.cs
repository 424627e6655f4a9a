using System.Globalization;
using System.Text.Json;
using HaKube.Tests.Support;

namespace HaKube.Tests.Lab;

/// <summary>
/// The real (unscaled) durations the strict lab's stand-ins reproduce
/// (tests/lab/standins/hakube-standins/real-durations.json, FIDELITY.md), for tests that check
/// HaKube's budgets against what real hosts take.
/// </summary>
public static class StandinDurations
{
    private static readonly Lazy<IReadOnlyDictionary<string, TimeSpan>> Declared = new(Load);

    public static string FilePath => RepositoryPaths.Of("tests", "lab", "standins", "hakube-standins", "real-durations.json");

    /// <summary>Every declared duration by name ("image-pull", "static-pod-restart", "drain").</summary>
    public static IReadOnlyDictionary<string, TimeSpan> All => Declared.Value;

    /// <summary>One declared duration; throws for a name the file does not declare.</summary>
    public static TimeSpan Real(string what) =>
        All.TryGetValue(what, out var duration) ? duration : throw new KeyNotFoundException($"{FilePath} declares no \"{what}\"");

    /// <summary>
    /// What `kubeadm upgrade apply` takes on a real control plane: the new images pulled one after
    /// another, then each rewritten static pod restarted in turn.
    /// </summary>
    public static TimeSpan UpgradeApply(int newImages, int rewrittenStaticPods) =>
        (Real("image-pull") * newImages) + (Real("static-pod-restart") * rewrittenStaticPods);

    private static Dictionary<string, TimeSpan> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
        var durations = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name.StartsWith('_'))
            {
                continue;
            }

            durations[property.Name] = TimeSpan.FromSeconds(property.Value.GetDouble());
        }

        return durations.Count > 0
            ? durations
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{FilePath} declares no duration"));
    }
}
