using HaKube.Model.Values;

namespace HaKube.Tests.Model.Values;

public sealed class FilePathTests
{
    [TestCase("keys/id_ed25519", false)]
    [TestCase("id", false)]
    [TestCase("../keys/id", true)]
    [TestCase("../../k", true)]
    [TestCase("/etc/hakube/keys/id", false)]
    public void TryParse_CanonicalPath_PrintsBackTheSameText(string text, bool climbsOut)
    {
        Assert.That(FilePath.TryParse(text, out var path, out var problem), Is.True, problem);
        Assert.That(path!.ToString(), Is.EqualTo(text));
        Assert.That(path.ClimbsOut, Is.EqualTo(climbsOut));
    }

    [TestCase("./keys/id", "keys/id")]
    [TestCase("keys//id", "keys/id")]
    [TestCase("keys/../keys/id", "keys/id")]
    [TestCase("/../etc/id", "/etc/id")]
    [TestCase("a/../../k", "../k")]
    public void TryParse_NonCanonicalPath_NamesTheCanonicalForm(string text, string canonical)
    {
        Assert.That(FilePath.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.EndWith($"expected {canonical}"));
    }

    [TestCase("keys/id\n")]
    [TestCase("keys\\id")]
    [TestCase("keys/\u001b[2Jid")]
    public void TryParse_ControlCharactersOrBackslash_Refused(string text)
    {
        Assert.That(FilePath.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain("is not a file path"));
    }

    [TestCase("keys/")]
    [TestCase("/")]
    [TestCase("..")]
    [TestCase(".")]
    public void TryParse_Folder_Refused(string text) =>
        Assert.That(FilePath.TryParse(text, out _, out _), Is.False);
}
