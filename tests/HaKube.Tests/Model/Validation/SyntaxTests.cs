using HaKube.Model.Validation;

namespace HaKube.Tests.Model.Validation;

public sealed class SyntaxTests
{
    [TestCase("cp1", true)]
    [TestCase("node-1.zone-a", true)]
    [TestCase("Cp1", false)]
    [TestCase("-cp1", false)]
    [TestCase("cp_1", false)]
    [TestCase("", false)]
    public void IsDns1123Subdomain_Examples_MatchKubernetesRules(string value, bool expected) =>
        Assert.That(Syntax.IsDns1123Subdomain(value), Is.EqualTo(expected));

    [TestCase("10.0.0.7", true)]
    [TestCase("::1", true)]
    [TestCase("api.demo.internal", true)]
    [TestCase("API.Demo.Internal", false)]
    [TestCase("[fd00::1]:22", false)]
    [TestCase("FD00::1", false)]
    [TestCase("fd00:0::1", false)]
    [TestCase("10.0.0.300", false)]
    [TestCase("api demo", false)]
    [TestCase("host;rm -rf /", false)]
    [TestCase("$(reboot)", false)]
    [TestCase("10", false)]
    [TestCase("1.2.3", false)]
    [TestCase("010.0.0.1", false)]
    [TestCase("fe80::1%eth0", false)]
    public void IsHostAddress_Examples_AcceptOnlyAddressesAndHostNames(string value, bool expected) =>
        Assert.That(Syntax.IsHostAddress(value), Is.EqualTo(expected));

    [TestCase("zone", true)]
    [TestCase("topology.kubernetes.io/zone", true)]
    [TestCase("-zone", false)]
    [TestCase("a/b/c", false)]
    public void IsLabelKey_Examples_MatchKubernetesRules(string key, bool expected) =>
        Assert.That(Syntax.IsLabelKey(key), Is.EqualTo(expected));

    [TestCase("root", true)]
    [TestCase("hakube", true)]
    [TestCase("ops-user_1", true)]
    [TestCase("Root", false)]
    [TestCase("a b", false)]
    [TestCase("x;id", false)]
    public void IsUserName_Examples_AcceptOnlySafeLoginNames(string value, bool expected) =>
        Assert.That(Syntax.IsUserName(value), Is.EqualTo(expected));

    [TestCase("cp1\n")]
    [TestCase("10.0.0.7\n")]
    public void IsDns1123SubdomainAndIsHostAddress_TrailingNewline_AreRejected(string value)
    {
        Assert.That(Syntax.IsDns1123Subdomain(value), Is.False);
        Assert.That(Syntax.IsHostAddress(value), Is.False);
    }

    [Test]
    public void IsLabelValue_TrailingNewline_IsRejected() =>
        Assert.That(Syntax.IsLabelValue("a\n"), Is.False);
}
