using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using HaKube.Tests.Lab;
using HaKube.Tests.Support;

// In the root test namespace, not HaKube.Tests.Lab, on purpose: it runs for minutes, mostly waiting,
// and there it is handed out with the root's ordered children, once the end-to-end fixtures
// (EndToEndFirst) are under way, so it overlaps the short fixtures at the end rather than running
// alone after them.
namespace HaKube.Tests;

/// <summary>
/// The lab's stand-ins (tests/lab/standins) prove their own behaviour with selftest.sh: systemctl
/// supervising real etcd and HAProxy, the package install, kubeadm init and joins with real
/// stacked etcd, the kube-apiserver's health following its etcd, kubectl, reset, and the strict
/// lab's rows of FIDELITY.md (each check names its row). The stand-ins stand for what E2E tests
/// cannot run here, so a stand-in that drifted from the real tool must fail the suite, and so
/// must a row of FIDELITY.md that no check proves.
/// </summary>
[TestFixture]
[Category("Lab")]
[Order(1)]
[SupportedOSPlatform("linux")]
public sealed partial class StandinsSelfTests
{
    [Test]
    public async Task SelfTest_Always_PassesEveryCheck()
    {
        var script = RepositoryPaths.Of("tests", "lab", "standins", "selftest.sh");

        var environment = new Dictionary<string, string> { ["HAKUBE_SELFTEST_NET"] = LabOptions.Isolated("127.0.200") };

        var result = await LabProcess.RunAsync("bash", [script], TimeSpan.FromMinutes(20), environment, TestContext.CurrentContext.CancellationToken);

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = lines.LastOrDefault() ?? "";
        var proven = lines.Select(l => ProvenRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        var rows = FidelityRows();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardOutput + result.StandardError);
            Assert.That(summary, Does.Match(@"^\d+ passed, 0 failed"), result.StandardOutput);
            Assert.That(rows, Has.Count.GreaterThan(40));
            Assert.That(rows.Where(r => !proven.Contains(r)), Is.Empty, "FIDELITY.md rows without a passing selftest check");
        });
    }

    [Test]
    public void FidelityRows_OfEveryStandin_AreListedOnce()
    {
        var rows = FidelityRows();
        var standins = new[] { "lab", "apt", "systemctl", "kubelet", "crictl", "kubeadm", "kubectl", "kube-apiserver", "placeholder", "containerd", "modprobe", "sysctl", "swapoff" };

        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.Unique);
            Assert.That(standins.Where(s => !rows.Any(r => r.StartsWith(s + ".", StringComparison.Ordinal))), Is.Empty);
        });
    }

    /// <summary>The row IDs of FIDELITY.md's tables ("| lab.hidden-commands *(strict)* | ...").</summary>
    private static List<string> FidelityRows() =>
        [.. File.ReadLines(RepositoryPaths.Of("tests", "lab", "standins", "FIDELITY.md"))
            .Select(l => FidelityRow().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"^\| ([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)(?: \*\(strict\)\*)? \|")]
    private static partial Regex FidelityRow();

    [GeneratedRegex(@"^  ok   \[([a-z0-9.-]+)\]")]
    private static partial Regex ProvenRow();
}
