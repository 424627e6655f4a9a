using HaKube.Model.Api;

namespace HaKube.Tests.Model.Api;

public sealed class KubernetesVersionTests
{
    [TestCase("v1.30.0", 1, 30, 0)]
    [TestCase("v1.31.4", 1, 31, 4)]
    [TestCase("v1.35.12", 1, 35, 12)]
    public void TryParse_WellFormed_ReturnsItsParts(string text, int major, int minor, int patch)
    {
        Assert.That(KubernetesVersion.TryParse(text, out var version), Is.True);
        Assert.That(version, Is.EqualTo(new KubernetesVersion(major, minor, patch)));
    }

    [TestCase("1.31.4")]
    [TestCase("v1.31")]
    [TestCase("v1.31.4-rc.0")]
    [TestCase("v01.31.4")]
    [TestCase("stable")]
    [TestCase("")]
    [TestCase(null)]
    public void TryParse_Malformed_ReturnsFalse(string? text) =>
        Assert.That(KubernetesVersion.TryParse(text, out _), Is.False);

    [TestCase("v1.30.9", false)]
    [TestCase("v1.31.0", true)]
    [TestCase("v1.34.1", true)]
    public void UsesKubeadmV1Beta4_ByMinor_FollowsKubeadm(string text, bool expected) =>
        Assert.That(KubernetesVersion.Parse(text).UsesKubeadmV1Beta4, Is.EqualTo(expected));

    [Test]
    public void CompareTo_ByMinorThenPatch_OrdersNumerically() =>
        Assert.That(KubernetesVersion.Parse("v1.31.10"), Is.GreaterThan(KubernetesVersion.Parse("v1.31.9")).And.LessThan(KubernetesVersion.Parse("v1.32.0")));

    [Test]
    public void PackageVersion_Always_IsTheDebianVersionPrefix() =>
        Assert.That(KubernetesVersion.Parse("v1.31.4").PackageVersion, Is.EqualTo("1.31.4"));
}
