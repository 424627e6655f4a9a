using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Model.Facts;
using HaKube.Tests.Actions.Ssh;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Probe;

[TestFixture]
[Category("Lab")]
[SupportedOSPlatform("linux")]
public sealed class HostProberLabTests() : LabHostsFixture(9, new LabOptions("prb", "127.0.32"))
{
    private static CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    [Test]
    public async Task ProbeAsync_NineHosts_OneExecPerHostAndTheSecondCycleOpensNoConnection()
    {
        await using var pool = new SshConnectionPool();
        var prober = new HostProber(pool);
        var targets = Lab.Hosts.Select(h => LabTargets.Pinned(h, ClientKey)).ToList();
        var first = await prober.ProbeAsync(targets, Token);
        var sessions = await SettledAsync(LabHosts.CountSessions, first.Count);
        var logins = Lab.Hosts.Select(LabTargets.CountConnections).ToList();

        var clock = Stopwatch.StartNew();
        var second = await prober.ProbeAsync(targets, Token);
        var elapsed = clock.Elapsed;
        var sessionsAfter = await SettledAsync(LabHosts.CountSessions, sessions.Sum() + Lab.Hosts.Count);
        TestContext.Out.WriteLine($"warm cycle over {Lab.Hosts.Count} hosts: {elapsed.TotalMilliseconds:0} ms");

        Assert.That(first.Select(f => f.Error), Is.All.Null);
        Assert.That(second.Select(f => f.Reachable), Is.All.True);
        Assert.That(second.Select(f => f.Os!.Hostname), Is.EqualTo(Lab.Hosts.Select(h => h.Name)));
        Assert.That(sessionsAfter.Zip(sessions, (after, before) => after - before), Is.All.EqualTo(1), "execs per host in one cycle");
        Assert.That(Lab.Hosts.Select(LabTargets.CountConnections), Is.EqualTo(logins), "the second cycle opened a connection");
        Assert.That(pool.TotalConnects, Is.EqualTo(Lab.Hosts.Count));
    }

    [Test]
    public async Task ProbeAsync_HostPoweredOff_ReportedUnreachableWhileOthersSucceed()
    {
        await using var pool = new SshConnectionPool(new SshSettings { ConnectRetries = 1, ConnectRetryDelay = TimeSpan.FromMilliseconds(50) });
        var prober = new HostProber(pool);
        var targets = Lab.Hosts.Select(h => LabTargets.Pinned(h, ClientKey)).ToList();
        await prober.ProbeAsync(targets, Token);
        var victim = Lab.Hosts[4];

        await Lab.PowerOffAsync(victim, Token);
        try
        {
            var facts = await prober.ProbeAsync(targets, Token);

            var down = facts.Single(f => f.Host == victim.Name);
            Assert.That(down.Reachable, Is.False);
            Assert.That(down.ErrorKind, Is.EqualTo(ProbeErrorKind.Unreachable));
            Assert.That(down.Error, Does.Contain(victim.Name));
            Assert.That(facts.Where(f => f.Host != victim.Name).Select(f => f.Reachable), Is.All.True);
        }
        finally
        {
            await Lab.PowerOnAsync(victim, CancellationToken.None);
        }

        var back = await prober.ProbeHostAsync(targets[4], Token);
        Assert.That(back.Reachable, Is.True, back.Error);
    }

    [Test]
    public async Task ProbeHostAsync_FilesWritten_ReportsPresenceHashModeAndCertificateExpiry()
    {
        var host = Lab.Hosts[2];
        var notAfter = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=kubernetes", ecdsa, HashAlgorithmName.SHA256).CreateSelfSigned(notAfter.AddYears(-10), notAfter);
        var pem = certificate.ExportCertificatePem() + "\n";
        var path = host.PathOnMachine("/etc/kubernetes/pki/ca.crt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, pem, Token);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var pool = new SshConnectionPool();

        var facts = await new HostProber(pool).ProbeHostAsync(LabTargets.Pinned(host, ClientKey, user: "hakube"), Token);

        Assert.That(facts.Reachable, Is.True, facts.Error);
        var file = facts.Files["/etc/kubernetes/pki/ca.crt"];
        Assert.That(file.Present, Is.True);
        Assert.That(file.Mode, Is.EqualTo("644"));
        Assert.That(file.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(pem)))));
        Assert.That(file.NotAfter, Is.EqualTo(notAfter));
        Assert.That(facts.Files["/etc/kubernetes/admin.conf"].Present, Is.False);
        Assert.That(facts.KubeletConfigured, Is.False);
    }

    private async Task<List<int>> SettledAsync(Func<LabHost, int> counter, int expectedTotal)
    {
        await LabTargets.SettledAsync(() => Lab.Hosts.Sum(counter), expectedTotal, Token);
        return Lab.Hosts.Select(counter).ToList();
    }
}
