using System.Text.RegularExpressions;
using HaKube.Tests.Support;

namespace HaKube.Tests.Lab;

[TestFixture]
public sealed partial class StandinDurationsTests
{
    [Test]
    public void All_DeclaredDurations_AreTheOnesFidelityMdTabulates()
    {
        var tabulated = File.ReadLines(RepositoryPaths.Of("tests", "lab", "standins", "FIDELITY.md"))
            .Select(l => DurationRow().Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => TimeSpan.FromSeconds(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.That(StandinDurations.All, Is.EquivalentTo(tabulated));
    }

    [Test]
    public void UpgradeApply_FourImagesThreePods_IsFourPullsAndThreeRestarts()
    {
        var expected = (StandinDurations.Real("image-pull") * 4) + (StandinDurations.Real("static-pod-restart") * 3);

        Assert.That(StandinDurations.UpgradeApply(4, 3), Is.EqualTo(expected).And.GreaterThan(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public void Real_UndeclaredName_Throws() =>
        Assert.That(() => StandinDurations.Real("coffee"), Throws.InstanceOf<KeyNotFoundException>());

    [GeneratedRegex(@"^\| ([a-z-]+) \| (\d+) per ")]
    private static partial Regex DurationRow();
}
