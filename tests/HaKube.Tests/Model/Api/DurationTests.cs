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
    [TestCase("1500ms")]
    [TestCase("60")]
    [TestCase("1h\n")]
    public void TryParse_NotADuration_False(string? text) =>
        Assert.That(Duration.TryParse(text, out _), Is.False);

    [TestCase("0090s", "90s")]
    [TestCase("30m1h", "1h30m")]
    [TestCase("1h0m", "1h")]
    [TestCase("1h1h", "2h")]
    [TestCase("0h0m", "0m")]
    public void TryParse_NonCanonical_RefusedWithTheFormToWrite(string text, string canonical)
    {
        Assert.That(Duration.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Is.EqualTo($"\"{text}\" is not in canonical form; expected {canonical}"));
    }

    [TestCase("0s")]
    [TestCase("90s")]
    [TestCase("1d2h3m4s")]
    public void TryParse_Canonical_True(string text) =>
        Assert.That(Duration.TryParse(text, out _, out var problem), Is.True, problem);
}
