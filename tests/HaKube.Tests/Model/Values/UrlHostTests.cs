using HaKube.Actions.Steps;
using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

public sealed class UrlHostTests
{
    [TestCase("10.0.0.7", "10.0.0.7")]
    [TestCase("api.demo.internal", "api.demo.internal")]
    [TestCase("fd00::7", "[fd00::7]")]
    [TestCase("[fd00::7]", "[fd00::7]")]
    public void For_Host_BracketsOnlyIpv6(string host, string expected) =>
        Assert.That(UrlHost.For(host), Is.EqualTo(expected));

    [Test]
    public void Https_Ipv6_PortSeparableFromTheAddress() =>
        Assert.That(UrlHost.Https("fd00::7", 6443), Is.EqualTo("https://[fd00::7]:6443"));

    [Test]
    public void WaitApiServerReady_Ipv6Address_UsesABracketedUrl() =>
        Assert.That(KubeadmRun.WaitApiServerReady("fd00::7", 10), Does.Contain("https://[fd00::7]:6443").And.Not.Contain("https://fd00::7:"));

    [Test]
    public void LoadBalancerScript_Ipv6Address_GivesSsABracketedSource() =>
        Assert.That(ConfigureLoadBalancerStep.Script("fd00::5", 6443), Does.Contain("src [fd00::5] and sport = :6443"));
}
