using System.CommandLine;
using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Reconciler.Cli;

[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class ProbeCommandLabTests
{
    private LabHosts? _lab;
    private string _manifest = "";

    private LabHosts Lab => _lab ?? throw new InvalidOperationException("lab not started");

    [OneTimeSetUp]
    public async Task StartLab()
    {
        _lab = await LabHosts.StartAsync(3, new LabOptions("pcli", "127.0.33"), CancellationToken.None);
        var folder = Directory.CreateTempSubdirectory("hakube-probe-cli-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "keys"));
        File.Copy(_lab.ClientKeyPath, Path.Combine(folder, "keys", "id_ed25519"));
        File.Copy(_lab.KnownHostsPath, Path.Combine(folder, "keys", "known_hosts"));
        var hosts = string.Concat(_lab.Hosts.Select(h => $"  - {{name: {h.Name}, address: {h.Address}, roles: [ControlPlane]}}\n"));
        _manifest = Path.Combine(folder, "cluster.yaml");
        await File.WriteAllTextAsync(_manifest, """
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: probe-cli}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: api.probe-cli.internal}
              networking: {cni: None}
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:

            """ + hosts);
    }

    [OneTimeTearDown]
    public async Task StopLab()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }

        if (_manifest.Length > 0)
        {
            Directory.Delete(Path.GetDirectoryName(_manifest)!, recursive: true);
        }
    }

    [Test, Order(1)]
    public async Task Invoke_AllHostsUp_ExitsZeroWithFactsOfEveryHost()
    {
        var (exit, output, error) = await RunAsync("probe", "-f", _manifest, "--output", "json");

        using var json = JsonDocument.Parse(output);
        var hosts = json.RootElement.EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(hosts.Select(h => h.GetProperty("host").GetString()), Is.EquivalentTo(Lab.Hosts.Select(h => h.Name)));
            Assert.That(hosts.Select(h => h.GetProperty("reachable").GetBoolean()), Has.All.True);
            Assert.That(hosts.Select(h => h.GetProperty("os").GetProperty("hostname").GetString()), Is.EquivalentTo(Lab.Hosts.Select(h => h.Name)));
        });
    }

    [Test, Order(2)]
    public async Task Invoke_OneHostPoweredOff_ExitsOneAndReportsOnlyThatHostUnreachable()
    {
        var off = Lab.Hosts[1];
        await Lab.PowerOffAsync(off);
        try
        {
            var (exit, output, _) = await RunAsync("probe", "-f", _manifest, "--output", "json");

            using var json = JsonDocument.Parse(output);
            var unreachable = json.RootElement.EnumerateArray()
                .Where(h => !h.GetProperty("reachable").GetBoolean())
                .Select(h => h.GetProperty("host").GetString());
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(1));
                Assert.That(unreachable, Is.EqualTo(new[] { off.Name }));
            });
        }
        finally
        {
            await Lab.PowerOnAsync(off);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await HakubeCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
