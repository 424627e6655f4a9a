using System.CommandLine;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Support;

namespace HaKube.Tests.Reconciler.Cli;

public sealed class ValidateCommandTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("hakube-validate-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task Invoke_DirectoryOfValidExamplesWithKeys_ExitsZero()
    {
        foreach (var example in new[] { "design-example.yaml", "stacked.yaml", "external.yaml" })
        {
            File.Copy(Path.Combine(RepositoryPaths.Examples, example), Path.Combine(_directory, example));
        }

        Directory.CreateDirectory(Path.Combine(_directory, "keys"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "keys", "id_ed25519"), "placeholder: validate checks presence only");
        await File.WriteAllTextAsync(Path.Combine(_directory, "keys", "known_hosts"), "");

        var (exit, output, error) = await RunAsync("validate", _directory);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.Contain("HaCluster demo is valid").And.Contain("HaCluster stacked is valid").And.Contain("HaCluster external is valid"));
        });
    }

    [Test]
    public async Task Invoke_InvalidCorpus_ExitsOneAndPrintsOneLocatedErrorPerLine()
    {
        var corpus = RepositoryPaths.Of("tests", "HaKube.Tests", "Data", "invalid", "many-errors-at-once.yaml");

        var (exit, _, error) = await RunAsync("validate", corpus);

        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(lines, Has.Some.EqualTo($"{corpus}:6:22: spec.kubernetesVersion: \"v1.2\" is not a Kubernetes version; expected vMAJOR.MINOR.PATCH, for example v1.31.4"));
            Assert.That(lines.Last(), Does.Match(@"^\d+ error\(s\)$"));
        });
    }

    [Test]
    public async Task Invoke_SameClusterNameInTwoFiles_ReportsTheSecondWithTheFirstsPosition()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Examples, "stacked.yaml"));
        Directory.CreateDirectory(Path.Combine(_directory, "keys"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "keys", "id_ed25519"), "");
        await File.WriteAllTextAsync(Path.Combine(_directory, "keys", "known_hosts"), "");
        await File.WriteAllTextAsync(Path.Combine(_directory, "a.yaml"), text);
        await File.WriteAllTextAsync(Path.Combine(_directory, "b.yaml"), text);

        var (exit, _, error) = await RunAsync("validate", _directory);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.Contain($"b.yaml:5:9: metadata.name: cluster \"stacked\" is already declared at {Path.Combine(_directory, "a.yaml")}:5:9"));
        });
    }

    [Test]
    public async Task Invoke_MissingPath_ExitsOne()
    {
        var (exit, _, error) = await RunAsync("validate", Path.Combine(_directory, "nope.yaml"));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.Contain("nope.yaml:1:1: no such file or directory"));
        });
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        var exit = await HakubeCommand.Create().Parse(args).InvokeAsync(configuration);
        return (exit, output.ToString(), error.ToString());
    }
}
