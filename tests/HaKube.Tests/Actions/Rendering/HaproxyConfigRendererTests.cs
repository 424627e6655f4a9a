using HaKube.Actions.Rendering;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Rendering;

[TestFixture]
public sealed class HaproxyConfigRendererTests
{
    private static HaCluster Cluster => KubeadmTestClusters.Demo(EtcdTopology.Stacked, "v1.31.4");

    [Test]
    public void Render_DemoCluster_BindsTheLoadBalancerAddressAndListsEveryControlPlane()
    {
        var spec = Cluster.Spec;
        var config = HaproxyConfigRenderer.Render(spec, spec.Hosts.Single(h => h.Name == "lb1"));
        var lines = config.Split('\n').Select(l => l.Trim()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(lines, Does.Contain("bind 10.0.0.5:6443"));
            Assert.That(lines, Does.Contain("mode tcp"));
            Assert.That(lines, Does.Contain("option httpchk GET /readyz"));
            Assert.That(lines, Does.Contain("http-check expect status 200"));
            Assert.That(lines.Where(l => l.StartsWith("server ", StringComparison.Ordinal)), Is.EqualTo(new[]
            {
                "server cp1 10.0.0.7:6443 check check-ssl verify none",
                "server cp2 10.0.0.8:6443 check check-ssl verify none",
                "server cp3 10.0.0.9:6443 check check-ssl verify none",
            }));
            Assert.That(config, Does.Contain("stats socket /run/haproxy/admin.sock"));
            Assert.That(config, Does.Not.Contain("*:"), "never bind every address");
        });
    }

    [Test]
    public void Render_SameSpecTwice_GivesTheSameBytes()
    {
        var spec = Cluster.Spec;
        var lb = spec.Hosts.Single(h => h.Name == "lb1");

        var first = HaproxyConfigRenderer.Render(spec, lb);
        var second = HaproxyConfigRenderer.Render(spec, lb);

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public async Task Render_CheckedByRealHaproxy_IsValid()
    {
        var spec = Cluster.Spec;
        var folder = Directory.CreateTempSubdirectory("hakube-haproxy-").FullName;
        try
        {
            // The stats socket folder is /run/haproxy on hosts; haproxy -c only parses, it binds nothing.
            var path = Path.Combine(folder, "haproxy.cfg");
            await File.WriteAllTextAsync(path, HaproxyConfigRenderer.Render(spec, spec.Hosts.Single(h => h.Name == "lb1")));

            var result = await LabProcess.RunAsync("/usr/sbin/haproxy", ["-c", "-f", path], TimeSpan.FromSeconds(30));

            Assert.That(result.ExitCode, Is.Zero, result.StandardError + result.StandardOutput);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
