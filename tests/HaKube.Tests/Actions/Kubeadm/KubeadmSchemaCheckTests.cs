using System.Diagnostics;
using HaKube.Actions.Kubeadm;
using HaKube.Model.Api;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Kubeadm;

/// <summary>
/// Every golden file goes through kubeadm-schema (a field tree extracted from kubeadm's Go types):
/// DESIGN.md requires that kubeadm gets only what kubeadm accepts. A missing checker fails the
/// test; skipping would let an unchecked configuration through.
/// </summary>
public sealed class KubeadmSchemaCheckTests
{
    private const string Python = "/usr/bin/python3";

    private static string Checker => Path.Combine(RepositoryPaths.Shared, "tools", "kubeadm-schema", "check_kubeadm.py");

    [Test]
    public void CheckKubeadm_AllGoldenFiles_ExitsZero()
    {
        Assert.That(File.Exists(Python), Is.True, $"{Python} is missing; the kubeadm schema check needs Python 3 with PyYAML");
        Assert.That(File.Exists(Checker), Is.True, $"the kubeadm schema checker {Checker} is missing; ../shared must sit beside the repository");
        var goldens = KubeadmGoldenCase.All.Select(KubeadmGolden.PathOf).ToList();
        Assert.That(goldens.Where(f => !File.Exists(f)), Is.Empty, "golden files are missing");

        var (exitCode, output) = Run(Python, [Checker, .. goldens]);

        Assert.That(exitCode, Is.Zero, $"check_kubeadm.py found problems:\n{output}");
        Assert.That(output, Does.Contain($"kubeadm-schema: {KubeadmGoldenCase.All.Sum(DocumentCount)} documents, 0 problems"));
    }

    [Test]
    public void CheckKubeadm_MapExtraArgsUnderV1Beta4_Fails()
    {
        // The checker must be able to fail, or passing the goldens proves nothing: v1beta3's map
        // kubeletExtraArgs and discovery.timeout are errors under a v1beta4 apiVersion.
        Assert.That(File.Exists(Checker), Is.True, $"the kubeadm schema checker {Checker} is missing");
        var v1Beta3Text = new KubeadmGoldenCase(EtcdTopology.Stacked, "v1.30.8", KubeadmConfigKind.JoinWorker).Render().SensitiveYaml;
        var mislabelled = Path.Combine(Path.GetTempPath(), $"hakube-kubeadm-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(mislabelled, v1Beta3Text.Replace("kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4", StringComparison.Ordinal));
        try
        {
            var (exitCode, output) = Run(Python, [Checker, mislabelled]);

            Assert.That(exitCode, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain("nodeRegistration.kubeletExtraArgs").And.Contain("discovery.timeout"));
        }
        finally
        {
            File.Delete(mislabelled);
        }
    }

    private static int DocumentCount(KubeadmGoldenCase goldenCase) =>
        goldenCase.Kind == KubeadmConfigKind.Init ? 3 : 1;

    private static (int ExitCode, string Output) Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within a minute");
        }

        return (process.ExitCode, stdout.Result + stderr);
    }
}
