using HaKube.Actions.Kubeadm;

namespace HaKube.Tests.Actions.Kubeadm;

public sealed class BootstrapTokenTests
{
    [Test]
    public void Parse_ValidToken_KeepsValueAndId()
    {
        var token = BootstrapToken.Parse("abcdef.0123456789abcdef");

        Assert.Multiple(() =>
        {
            Assert.That(token.Value, Is.EqualTo("abcdef.0123456789abcdef"));
            Assert.That(token.Id, Is.EqualTo("abcdef"));
        });
    }

    [TestCase("")]
    [TestCase("abcdef0123456789abcdef")]
    [TestCase("ABCDEF.0123456789abcdef")]
    [TestCase("abcde.0123456789abcdefg")]
    [TestCase("abcdef.0123456789abcdef\n")]
    [TestCase("abcdef.0123456789abcdex1")]
    public void Parse_Malformed_ThrowsWithoutEchoingTheText(string text)
    {
        Assert.That(() => BootstrapToken.Parse(text),
            Throws.TypeOf<FormatException>().With.Message.Not.Contains("0123456789"));
    }

    [Test]
    public void ToString_Token_ShowsOnlyTheId()
    {
        var token = BootstrapToken.Parse("abcdef.0123456789abcdef");

        Assert.Multiple(() =>
        {
            Assert.That(token.ToString(), Is.EqualTo("abcdef.<redacted>"));
            Assert.That(new { Token = token }.ToString(), Does.Not.Contain("0123456789abcdef"));
        });
    }

    [Test]
    public void Equals_SameText_AreEqual()
    {
        var first = BootstrapToken.Parse("abcdef.0123456789abcdef");
        var second = BootstrapToken.Parse(string.Concat("abcdef.", "0123456789abcdef"));

        Assert.That(second, Is.EqualTo(first));
    }
}
