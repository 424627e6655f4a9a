using HaKube.Model.Api;

namespace HaKube.Tests.Model.Api;

[TestFixture]
public sealed class DurationTests
{
    [TestCase("30s", 30)]
    [TestCase("1m", 60)]
    [TestCase("6h", 6 * 3600)]
    [TestCase("1d", 86400)]
    [TestCase("1h30m", 5400)]
    [TestCase("90m", 5400)]
    public void TryParse_Durations_Seconds(string text, int seconds)
    {
        Assert.That(Duration.TryParse(text, out var duration), Is.True);
        Assert.That(duration, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("")]
    [TestCase(null)]
    [TestCase("6")]
    [TestCase("h")]
    [TestCase("6 h")]
    [TestCase("-1h")]
    [TestCase("1w")]
    [TestCase("1.5h")]
    [TestCase("99999999999999999999d")]
    [TestCase("9999999999999d")]
    public void TryParse_NotADuration_False(string? text) =>
        Assert.That(Duration.TryParse(text, out _), Is.False);
}
