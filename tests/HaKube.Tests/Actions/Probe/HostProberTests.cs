using HaKube.Actions.Probe;
using HaKube.Model.Facts;

namespace HaKube.Tests.Actions.Probe;

public sealed class HostProberTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void FailedFacts_ReasonQuotesAKeyAndAToken_BothRedacted()
    {
        const string reason = """
            host cp1: probe failed (exit 1): join with abcdef.0123456789abcdef failed
            -----BEGIN PRIVATE KEY-----
            MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
            -----END PRIVATE KEY-----
            """;

        var facts = HostProber.FailedFacts("cp1", ProbeErrorKind.ProbeFailed, reason, Now);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Reachable, Is.False);
            Assert.That(facts.Error, Does.Contain("host cp1: probe failed (exit 1)"));
            Assert.That(facts.Error, Does.Not.Contain("0123456789abcdef").And.Not.Contain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"));
        });
    }

    [Test]
    public void FailedFacts_PlainReason_KeptWithKindAndTime()
    {
        var facts = HostProber.FailedFacts("w1", ProbeErrorKind.Unreachable, "host w1: connection refused", Now);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Error, Is.EqualTo("host w1: connection refused"));
            Assert.That(facts.ErrorKind, Is.EqualTo(ProbeErrorKind.Unreachable));
            Assert.That(facts.ObservedAt, Is.EqualTo(Now));
        });
    }
}
