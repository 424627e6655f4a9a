namespace HaKube.Tests.Actions.Kubeadm.Schema;

public sealed class GoDurationTests
{
    [TestCase("4m0s")]
    [TestCase("1h30m")]
    [TestCase("1.5h")]
    [TestCase(".5s")]
    [TestCase("0")]
    [TestCase("-1s")]
    [TestCase("+5m")]
    [TestCase("300ms")]
    [TestCase("2\u00b5s")]
    [TestCase("2562047h")]
    [TestCase("9223372036854775807ns")]
    [TestCase("-9223372036854775808ns")]
    public void Problem_GoAcceptsIt_IsNull(string text)
    {
        Assert.That(GoDuration.Problem(text), Is.Null);
    }

    [TestCase("")]
    [TestCase("5")]
    [TestCase("5 m")]
    [TestCase("1d")]
    [TestCase("s")]
    [TestCase(".s")]
    [TestCase("3000000h")]
    [TestCase("9223372036854775808ns")]
    public void Problem_GoRefusesIt_SaysWhy(string text)
    {
        Assert.That(GoDuration.Problem(text), Does.StartWith("time: "));
    }
}
