using System.Text.RegularExpressions;
using HaKube.Model.Validation;
using HaKube.Tests.Support;

namespace HaKube.Tests.Model.Validation;

/// <summary>
/// Every manifest under Data/invalid is rejected with exactly the errors its trailing
/// <c># expect: LINE:COLUMN FIELD: message fragment</c> comments name, no more and no fewer.
/// Key files whose name contains "missing" do not exist; all others do.
/// </summary>
public sealed partial class InvalidManifestTests
{
    private static readonly string Folder = RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "invalid");

    private static readonly ValidationOptions Options = new(ManifestMode.File, new FakeReferencedFiles(path => !path.Contains("missing", StringComparison.Ordinal)));

    public static IEnumerable<string> Manifests() =>
        Directory.EnumerateFiles(Folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Test]
    public void Corpus_Always_HoldsAtLeastFortyDistinctManifests()
    {
        var texts = Manifests().Select(name => File.ReadAllText(Path.Combine(Folder, name))).ToHashSet();

        Assert.That(texts, Has.Count.GreaterThanOrEqualTo(40));
    }

    [TestCaseSource(nameof(Manifests))]
    public void ParseAndValidate_InvalidManifest_ReportsExactlyTheExpectedErrors(string name)
    {
        var file = Path.Combine(Folder, name);
        var text = File.ReadAllText(file);
        var expected = ExpectLine().Matches(text).Select(m => m.Groups[1].Value.Trim()).ToList();

        var result = HaClusterValidator.ParseAndValidate(text, file, Options);

        var actual = result.Errors.Select(e => $"{e.Line}:{e.Column} {e.Field}: {e.Message}").ToList();
        Assert.That(expected, Is.Not.Empty, "no '# expect:' lines; actual errors:\n" + string.Join("\n", actual));
        Assert.That(result.Errors, Has.Count.EqualTo(expected.Count), "actual errors:\n" + string.Join("\n", actual));
        foreach (var expectation in expected)
        {
            Assert.That(expectation, Does.Match(@"^\d+:\d+ \S*: \S"), "an expectation is LINE:COLUMN FIELD: message");
            Assert.That(actual.Any(a => a.StartsWith(Head(expectation), StringComparison.Ordinal) && a.Contains(Tail(expectation), StringComparison.Ordinal)), Is.True, $"expected \"{expectation}\" in one error; actual:\n" + string.Join("\n", actual));
        }

        Assert.That(result.Errors.Select(e => e.File).Distinct(), Is.EqualTo(new[] { file }));
    }

    [TestCaseSource(nameof(Manifests))]
    public void ToString_InvalidManifestError_HasCompilerFormat(string name)
    {
        var file = Path.Combine(Folder, name);

        var result = HaClusterValidator.ParseAndValidate(File.ReadAllText(file), file, Options);

        Assert.That(result.Errors.Select(e => e.ToString()), Has.All.Match(@"^.+\.yaml:\d+:\d+: (\S+: )?.+$"));
    }

    // "12:5 spec.etcd.hosts: even" -> head "12:5 spec.etcd.hosts:", tail "even".
    private static string Head(string expectation) => expectation[..(expectation.IndexOf(": ", StringComparison.Ordinal) + 1)];

    private static string Tail(string expectation) => expectation[(expectation.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    [GeneratedRegex(@"^# expect: (.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
