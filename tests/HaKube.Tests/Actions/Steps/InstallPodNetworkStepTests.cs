using HaKube.Actions.Rendering;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;

namespace HaKube.Tests.Actions.Steps;

/// <summary>The pod network's script: the spec's operator manifests from local files, else Calico's release from GitHub.</summary>
public sealed class InstallPodNetworkStepTests
{
    private static readonly string[] Local = ["/etc/kubernetes/hakube/calico-operator-0.yaml", "/etc/kubernetes/hakube/calico-operator-1.yaml"];

    private static HaClusterSpec Spec() => KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4").Spec;

    [Test]
    public void Script_LocalManifests_CreatesFromThemAndFetchesNothing()
    {
        var script = InstallPodNetworkStep.Script(Spec(), Local);

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain($"k create -f {Local[0]} -f {Local[1]} 2>&1"));
            Assert.That(script, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("githubusercontent"));
            Assert.That(script, Does.Contain($"case \"$f\" in {Local[0]}|{Local[1]}) ;; *) rm -f -- \"$f\" ;; esac"), "copies beyond the list are removed");
            Assert.That(script, Does.Contain("grep -qv AlreadyExists"), "objects that already exist are fine, as with the URLs");
        });
    }

    [Test]
    public void Script_NoLocalManifests_CreatesFromTheCalicoRelease()
    {
        var script = InstallPodNetworkStep.Script(Spec(), []);

        Assert.Multiple(() =>
        {
            Assert.That(script, Does.Contain("k create " + string.Join(' ', CalicoManifestRenderer.OperatorManifests.Select(u => "-f " + u))));
            Assert.That(CalicoManifestRenderer.OperatorManifests, Has.All.StartWith("https://raw.githubusercontent.com/projectcalico/calico/v3.30.3/"));
            Assert.That(script, Does.Contain("case \"$f\" in /dev/null/none) ;; *) rm -f -- \"$f\" ;; esac"), "every local copy left by an earlier spec goes");
        });
    }

    [Test]
    public async Task Script_RunByBash_RemovesOnlyCopiesBeyondTheList()
    {
        // The removal loop alone, on a scratch folder standing for /etc/kubernetes/hakube.
        var folder = Directory.CreateTempSubdirectory("hakube-calico-").FullName;
        try
        {
            foreach (var i in new[] { 0, 1, 2 })
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"calico-operator-{i}.yaml"), "x");
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "calico.yaml"), "x");
            var local = Local.Select(p => p.Replace("/etc/kubernetes/hakube", folder, StringComparison.Ordinal)).ToList();
            var loop = string.Join('\n', InstallPodNetworkStep.Script(Spec(), local).Split('\n').SkipWhile(l => !l.StartsWith("for f in", StringComparison.Ordinal)).Take(3))
                .Replace("/etc/kubernetes/hakube", folder, StringComparison.Ordinal);
            using var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", loop]))!;
            await bash.WaitForExitAsync();

            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "calico-operator-0.yaml", "calico-operator-1.yaml", "calico.yaml" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
