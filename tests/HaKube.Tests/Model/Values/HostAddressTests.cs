using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

public sealed class HostAddressTests
{
    [TestCase("10.0.0.7", true)]
    [TestCase("fd00::1", true)]
    [TestCase("::ffff:10.0.0.1", true)]
    [TestCase("api.demo.internal", false)]
    [TestCase("cp-1", false)]
    public void TryParse_CanonicalAddress_PrintsBackTheSameText(string text, bool isIp)
    {
        Assert.That(HostAddress.TryParse(text, out var address, out var problem), Is.True, problem);
        Assert.That(address!.ToString(), Is.EqualTo(text));
        Assert.That(address.IsIp, Is.EqualTo(isIp));
    }

    [TestCase("fe80::1%eth0", "zone id")]
    [TestCase("fd00::1%\nkind: Secret", "zone id")]
    [TestCase("[fd00::1]:22", "no brackets or port")]
    [TestCase("[fd00::1]", "no brackets or port")]
    [TestCase("FD00::1", "canonical form; expected fd00::1")]
    [TestCase("fd00:0:0:0:0:0:0:1", "canonical form; expected fd00::1")]
    [TestCase("API.demo.internal", "canonical form; expected api.demo.internal")]
    [TestCase("010.0.0.1", "is not an IP address or host name")]
    [TestCase("10", "is not an IP address or host name")]
    [TestCase("1.2.3", "is not an IP address or host name")]
    [TestCase("host;reboot", "is not an IP address or host name")]
    [TestCase("api.demo.internal.", "is not an IP address or host name")]
    [TestCase("api\n", "is not an IP address or host name")]
    public void TryParse_HostileOrNonCanonical_RefusedWithTheReason(string text, string reason)
    {
        Assert.That(HostAddress.TryParse(text, out var address, out var problem), Is.False);
        Assert.That(address, Is.Null);
        Assert.That(problem, Does.Contain(reason));
        Assert.That(problem, Does.Not.Contain("\n"), "control characters in a value are escaped in the message");
    }
}
