using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

public sealed class PrintableTests
{
    [TestCase("plain", "plain")]
    [TestCase("a\nb", "a\\nb")]
    [TestCase("\u001b[31mred", "\\u001b[31mred")]
    [TestCase("tab\there", "tab\\there")]
    [TestCase("bidi\u202eoverride", "bidi\\u202eoverride")]
    [TestCase("nel\u0085", "nel\\u0085")]
    [TestCase("emoji \U0001F600 stays", "emoji \U0001F600 stays")]
    public void Escape_ControlAndFormatCharacters_AreEscaped(string text, string expected) =>
        Assert.That(Printable.Escape(text), Is.EqualTo(expected));

    [Test]
    public void Quote_QuotesAndBackslashes_AreEscaped() =>
        Assert.That(Printable.Quote("say \"hi\\\"\r\n"), Is.EqualTo("\"say \\\"hi\\\\\\\"\\r\\n\""));

    [Test]
    public void Quote_LongValue_IsCutAndSaysHowMuchMore()
    {
        var quoted = Printable.Quote(new string('x', 1_000_000));

        Assert.That(quoted, Has.Length.LessThan(Printable.MaxShown + 40));
        Assert.That(quoted, Does.EndWith($"... ({1_000_000 - Printable.MaxShown} more characters)"));
    }
}
