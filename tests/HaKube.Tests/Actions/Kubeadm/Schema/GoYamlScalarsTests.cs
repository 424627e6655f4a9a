using System.Numerics;

namespace HaKube.Tests.Actions.Kubeadm.Schema;

public sealed class GoYamlScalarsTests
{
    [TestCase("yes", true)]
    [TestCase("Off", false)]
    [TestCase("y", true)]
    [TestCase("N", false)]
    [TestCase("TRUE", true)]
    public void Resolve_YamlOneOneBoolean_IsBool(string text, bool expected)
    {
        var value = GoYamlScalars.Resolve(Plain(text));

        Assert.That((value.Kind, value.Bool), Is.EqualTo((GoScalarKind.Bool, expected)));
    }

    [TestCase("0755", 493)]
    [TestCase("0x1F", 31)]
    [TestCase("0b101", 5)]
    [TestCase("0o17", 15)]
    [TestCase("1_000", 1000)]
    [TestCase("+7", 7)]
    [TestCase("-12", -12)]
    public void Resolve_GoInteger_IsInt(string text, long expected)
    {
        var value = GoYamlScalars.Resolve(Plain(text));

        Assert.That((value.Kind, value.Integer), Is.EqualTo((GoScalarKind.Int, new BigInteger(expected))));
    }

    [Test]
    public void Resolve_HexBeyondUint64_IsBigInt()
    {
        var value = GoYamlScalars.Resolve(Plain("0x1FFFFFFFFFFFFFFFF"));

        Assert.That((value.Kind, value.Integer), Is.EqualTo((GoScalarKind.Int, BigInteger.Pow(2, 65) - 1)));
    }

    [Test]
    public void Resolve_DecimalBeyondUint64_IsFloat()
    {
        Assert.That(GoYamlScalars.Resolve(Plain("123456789012345678901234567890")).Kind, Is.EqualTo(GoScalarKind.Float));
    }

    [TestCase("1.30", 1.3)]
    [TestCase("08", 8.0)]
    [TestCase("1e3", 1000.0)]
    [TestCase(".5", 0.5)]
    [TestCase("-.inf", double.NegativeInfinity)]
    public void Resolve_YamlFloat_IsFloat(string text, double expected)
    {
        var value = GoYamlScalars.Resolve(Plain(text));

        Assert.That((value.Kind, value.Float), Is.EqualTo((GoScalarKind.Float, expected)));
    }

    [TestCase("v1.30")]
    [TestCase("10.0.0.1")]
    [TestCase("t")]
    [TestCase("2024-01-02")]
    [TestCase("1e400")]
    [TestCase("0x")]
    [TestCase("4m0s")]
    public void Resolve_OtherPlainText_IsString(string text)
    {
        Assert.That(GoYamlScalars.Resolve(Plain(text)).Kind, Is.EqualTo(GoScalarKind.String));
    }

    [TestCase("")]
    [TestCase("~")]
    [TestCase("Null")]
    public void Resolve_NullWords_AreNull(string text)
    {
        Assert.That(GoYamlScalars.Resolve(Plain(text)).Kind, Is.EqualTo(GoScalarKind.Null));
    }

    [Test]
    public void Resolve_QuotedOrStrTagged_IsString()
    {
        Assert.That(GoYamlScalars.Resolve(new GoYamlScalarNode("yes", Plain: false, Tag: null, 1, 1)).Kind, Is.EqualTo(GoScalarKind.String));
        Assert.That(GoYamlScalars.Resolve(new GoYamlScalarNode("1.30", Plain: true, Tag: "tag:yaml.org,2002:str", 1, 1)).Kind, Is.EqualTo(GoScalarKind.String));
    }

    [Test]
    public void Resolve_IntTagOnText_IsInvalid()
    {
        var value = GoYamlScalars.Resolve(new GoYamlScalarNode("abc", Plain: true, Tag: "tag:yaml.org,2002:int", 1, 1));

        Assert.That(value.Kind, Is.EqualTo(GoScalarKind.Invalid));
    }

    private static GoYamlScalarNode Plain(string text) => new(text, Plain: true, Tag: null, 1, 1);
}
