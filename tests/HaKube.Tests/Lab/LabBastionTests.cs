using System.Net;

namespace HaKube.Tests.Lab;

[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class LabBastionTests() : LabHostsFixture(0, new LabOptions("labb", "127.0.23"))
{
    private static readonly string[] LabNamespaces = ["hakube-lab-bastion", "hakube-lab-private"];
    private LabHost? _bastion;
    private LabHost? _private;

    private LabHost Bastion => _bastion ?? throw new InvalidOperationException("bastion not started");

    private LabHost Private => _private ?? throw new InvalidOperationException("bastion not started");

    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    protected override async Task StartAsync()
    {
        await base.StartAsync();
        (_bastion, _private) = await Lab.StartBastionAsync(CancellationToken.None);
    }

    [Test]
    public async Task SshJump_PrivateHostThroughTheBastion_Answers()
    {
        var result = await LabProcess.RunAsync(
            "ssh",
            ["-F", Lab.SshConfigPath, "-J", $"root@{Bastion.Address}", $"root@{Private.Address}", "hostname"],
            TimeSpan.FromSeconds(30),
            cancellationToken: Token);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.StandardOutput.Trim(), Is.EqualTo("labb-private"));
    }

    [Test]
    public async Task Ssh_PrivateHostDirectly_FailsWithoutSendingAnything()
    {
        var ssh = await Lab.SshAsync(Private, "true", extraOptions: ["-o", "ConnectTimeout=3"], cancellationToken: Token);
        var route = await LabProcess.RunAsync("ip", ["route", "get", Private.Address], TimeSpan.FromSeconds(10), cancellationToken: Token);
        var bastion = await Lab.SshAsync(Bastion, "hostname", cancellationToken: Token);

        Assert.Multiple(() =>
        {
            Assert.That(ssh.ExitCode, Is.EqualTo(255));
            Assert.That(ssh.StandardError, Does.Contain("No route to host").Or.Contain("Network is unreachable"));
            Assert.That(route.ExitCode, Is.Not.Zero, "the machine has a route to the private host");
            Assert.That(bastion.ExitCode, Is.Zero, bastion.StandardError);
            Assert.That(bastion.StandardOutput.Trim(), Is.EqualTo("labb-bastion"));
        });
    }

    [TestCaseSource(nameof(LabNamespaces))]
    public async Task LabNetworkNamespace_Always_Uses198_18OnlyWithoutDefaultRouteOrForwarding(string ns)
    {
        var addresses = await LabProcess.RunAsync("ip", ["-n", ns, "-o", "addr", "show"], TimeSpan.FromSeconds(10), cancellationToken: Token);
        var defaultRoute = await LabProcess.RunAsync("ip", ["-n", ns, "route", "show", "default"], TimeSpan.FromSeconds(10), cancellationToken: Token);
        var host = ns == "hakube-lab-bastion" ? Bastion : Private;
        var forwarding = await Lab.ShellAsync(host, "cat /proc/sys/net/ipv4/ip_forward", Token);

        var inet = addresses.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[2] is "inet" or "inet6")
            .Select(f => f[3])
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(addresses.ExitCode, Is.Zero, addresses.StandardError);
            Assert.That(inet, Is.Not.Empty);
            Assert.That(inet, Has.All.Matches<string>(a => a == "127.0.0.1/8" || IsBenchmarkRange(a)), string.Join(", ", inet));
            Assert.That(defaultRoute.StandardOutput.Trim(), Is.Empty);
            Assert.That(forwarding.StandardOutput.Trim(), Is.EqualTo("0"));
        });
    }

    [Test]
    public async Task RootSideOfTheBastionLink_Always_Uses198_18()
    {
        var link = await LabProcess.RunAsync("ip", ["-o", "-4", "addr", "show", "dev", "hklab-r0"], TimeSpan.FromSeconds(10), cancellationToken: Token);

        Assert.That(link.ExitCode, Is.Zero, link.StandardError);
        Assert.That(link.StandardOutput, Does.Contain("inet 198.18.0.1/30"));
    }

    private static bool IsBenchmarkRange(string cidr) =>
        IPNetwork.Parse("198.18.0.0/15").Contains(IPAddress.Parse(cidr.Split('/')[0]));
}
