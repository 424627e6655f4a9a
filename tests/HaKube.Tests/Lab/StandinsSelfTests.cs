using System.Runtime.Versioning;
using HaKube.Tests.Support;

namespace HaKube.Tests.Lab;

/// <summary>
/// The lab's stand-ins (tests/lab/standins) prove their own behaviour with selftest.sh: systemctl
/// supervising real etcd and HAProxy, the package install, kubeadm init and joins with real
/// stacked etcd, the kube-apiserver's health following its etcd, kubectl, reset. The stand-ins
/// stand for what E2E tests cannot run here, so a stand-in that drifted from the real tool must
/// fail the suite.
/// </summary>
[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class StandinsSelfTests
{
    [Test]
    public async Task SelfTest_Always_PassesEveryCheck()
    {
        var script = RepositoryPaths.Of("tests", "lab", "standins", "selftest.sh");

        var environment = new Dictionary<string, string> { ["HAKUBE_SELFTEST_NET"] = LabOptions.Isolated("127.0.200") };

        var result = await LabProcess.RunAsync("bash", [script], TimeSpan.FromMinutes(5), environment, TestContext.CurrentContext.CancellationToken);

        var summary = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardOutput + result.StandardError);
            Assert.That(summary, Does.Match(@"^\d+ passed, 0 failed"), result.StandardOutput);
        });
    }
}
