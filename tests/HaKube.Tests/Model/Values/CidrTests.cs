using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

public sealed class CidrTests
{
    [TestCase("10.96.0.0/12")]
    [TestCase("192.168.0.0/16")]
    [TestCase("0.0.0.0/0")]
    [TestCase("fd00::/48")]
    [TestCase("fd00:10:96::/108")]
    public void TryParse_CanonicalCidr_PrintsBackTheSameText(string text)
    {
        Assert.That(Cidr.TryParse(text, out var cidr, out var problem), Is.True, problem);
        Assert.That(cidr!.ToString(), Is.EqualTo(text));
    }

    [TestCase("fd00::%0a---\nkind: Secret/64")]
    [TestCase("fd00::%eth0/64")]
    [TestCase("192.168.0.0/33")]
    [TestCase("192.168.0.0")]
    [TestCase("192.168.0.0/16/16")]
    [TestCase("192.168.0.0/+16")]
    [TestCase("192.168.0.0/ 16")]
    [TestCase("[fd00::]/64")]
    [TestCase("10.96.0.0/12\n")]
    [TestCase("")]
    public void TryParse_NotACidr_SaysSo(string text)
    {
        Assert.That(Cidr.TryParse(text, out var cidr, out var problem), Is.False);
        Assert.That(cidr, Is.Null);
        Assert.That(problem, Does.Contain("is not a CIDR"));
        Assert.That(problem, Does.Not.Contain("\n"));
    }

    [TestCase("192.168.0.0/016", "192.168.0.0/16")]
    [TestCase("FD00::/48", "fd00::/48")]
    [TestCase("fd00:0:0::/48", "fd00::/48")]
    public void TryParse_NonCanonicalCidr_NamesTheCanonicalForm(string text, string canonical)
    {
        Assert.That(Cidr.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.EndWith($"is not in canonical form; expected {canonical}"));
    }

    [Test]
    public void TryParse_HostBitsSet_NamesTheNetwork()
    {
        Assert.That(Cidr.TryParse("192.168.1.0/16", out _, out var problem), Is.False);
        Assert.That(problem, Is.EqualTo("192.168.1.0/16 has host bits set; expected the network address 192.168.0.0/16"));
    }

    [Test]
    public void Overlaps_SameFamilyNested_TrueAndOtherFamily_False()
    {
        var wide = Cidr.Parse("10.0.0.0/8");
        Assert.Multiple(() =>
        {
            Assert.That(wide.Overlaps(Cidr.Parse("10.96.0.0/12")), Is.True);
            Assert.That(wide.Overlaps(Cidr.Parse("192.168.0.0/16")), Is.False);
            Assert.That(wide.Overlaps(Cidr.Parse("fd00::/8")), Is.False);
        });
    }
}
