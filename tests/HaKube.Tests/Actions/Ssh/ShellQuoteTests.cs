using System.Diagnostics;
using HaKube.Actions.Ssh;

namespace HaKube.Tests.Actions.Ssh;

public sealed class ShellQuoteTests
{
    private static readonly string[] Adversarial =
    [
        "", " ", "plain", "two words", "it's", "'", "''", "\"", "$(id)", "`id`", "${HOME}", "$HOME", "a;b", "a&&b", "a|b",
        "a\nb", "a\r\nb", "\\", "\\'", "'\\''", "*", "?", "[a]", "~", "~root", "-rf", "--", "#comment", "a=b", "!", "!!",
        "{a,b}", "<in", ">out", "é ünïcode ✓", "tab\tchar", "'; rm -rf / #", "\"'\"'\"", "$'\\x41'", "a\u00a0b",
    ];

    [TestCaseSource(nameof(Adversarial))]
    public async Task Quote_AdversarialString_ShellExpandsToExactlyTheInput(string value)
    {
        var printed = await RunShAsync("printf '%s' " + ShellQuote.Quote(value));

        Assert.That(printed, Is.EqualTo(value));
    }

    [Test]
    public void Quote_SafeWord_StaysBare()
    {
        Assert.That(ShellQuote.Quote("/etc/kubernetes/pki/ca.crt"), Is.EqualTo("/etc/kubernetes/pki/ca.crt"));
    }

    [Test]
    public void Quote_AssignmentLikeWord_IsQuoted()
    {
        Assert.That(ShellQuote.Quote("a=b"), Is.EqualTo("'a=b'"));
    }

    [Test]
    public void Quote_SingleQuote_IsClosedEscapedAndReopened()
    {
        Assert.That(ShellQuote.Quote("it's"), Is.EqualTo("'it'\\''s'"));
    }

    [Test]
    public void Quote_Nul_IsRejected()
    {
        Assert.That(() => ShellQuote.Quote("a\0b"), Throws.ArgumentException);
    }

    [Test]
    public async Task Join_SeveralWords_EachArrivesAsOneArgument()
    {
        var printed = await RunShAsync("printf '<%s>' " + ShellQuote.Join("a b", "it's", "$(x)"));

        Assert.That(printed, Is.EqualTo("<a b><it's><$(x)>"));
    }

    internal static async Task<string> RunShAsync(string command)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return output;
    }
}
