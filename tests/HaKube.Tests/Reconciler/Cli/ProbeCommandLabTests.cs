using System.CommandLine;
using System.Runtime.Versioning;
using System.Text.Json;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Reconciler.Cli;

[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class ProbeCommandLabTests() : LabHostsFixture(3, new LabOptions("pcli", "127.0.33"))
{
    private string _manifest = "";

    protected override async Task StartAsync()
    {
        await base.StartAsync();
        var hosts = string.Concat(Lab.Hosts.Select(h => $"  - {{name: {h.Name}, address: {h.Address}, roles: [ControlPlane]}}\n"));
        _manifest = await LabManifest.WriteAsync(Lab, OwnTempFolder("hakube-probe-cli-"), """
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
