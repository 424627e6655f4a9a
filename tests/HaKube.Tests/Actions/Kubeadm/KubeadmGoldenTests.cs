using System.Text;

namespace HaKube.Tests.Actions.Kubeadm;

internal sealed class KubeadmGoldenTests
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private static IEnumerable<KubeadmGoldenCase> Cases => KubeadmGoldenCase.All;

    [TestCaseSource(nameof(Cases))]
    public void Render_GoldenCase_MatchesGoldenFileByteForByte(KubeadmGoldenCase goldenCase)
    {
        var rendered = Utf8NoBom.GetBytes(goldenCase.Render().SensitiveYaml);
        var path = KubeadmGolden.PathOf(goldenCase);

        if (KubeadmGolden.Updating)
        {
            Directory.CreateDirectory(KubeadmGolden.Directory);
            File.WriteAllBytes(path, rendered);
            TestContext.Out.WriteLine($"rewrote {path}");
        }

        Assert.That(File.Exists(path), Is.True,
            $"golden file {path} is missing; run the tests with {KubeadmGolden.UpdateVariable}=1 to write it, then review it");
        var golden = File.ReadAllBytes(path);
        Assert.That(Utf8NoBom.GetString(rendered), Is.EqualTo(Utf8NoBom.GetString(golden)),
            $"rendering differs from {path}; if the change is intended, rerun with {KubeadmGolden.UpdateVariable}=1 and review the diff");
        Assert.That(rendered, Is.EqualTo(golden));
    }

    [Test]
    public void GoldenDirectory_Always_HoldsExactlyOneFilePerCase()
    {
        var expected = KubeadmGoldenCase.All.Select(c => c.FileName).Order(StringComparer.Ordinal);
        var actual = Directory.EnumerateFiles(KubeadmGolden.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.That(actual, Is.EqualTo(expected), "stale or missing golden files");
    }
}
