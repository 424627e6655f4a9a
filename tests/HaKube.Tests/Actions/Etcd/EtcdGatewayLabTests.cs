using System.Diagnostics;
using System.Runtime.Versioning;
using HaKube.Actions.Etcd;
using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Model.Api;
using HaKube.Tests.Lab;

namespace HaKube.Tests.Actions.Etcd;

/// <summary>
/// HaKube's etcd access against a real etcd (the lab's 3.5.16 where scripts/install-test-deps.sh put
/// it, else the machine's): two TLS members with client-certificate authentication on loopback
/// addresses of their own, HaKube-issued certificates, and the shell functions and JSON bodies the
/// probe and the steps send through etcd's gateway, run by /bin/sh (dash) with curl.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class EtcdGatewayLabTests
{
    private static readonly string[] Binaries = ["/opt/hakube-lab/etcd-3.5.16/etcd", "/usr/bin/etcd"];

    private readonly List<Process> _members = [];
    private string _root = "";
    private string _etcd = "";
    private HostSpec _m1 = null!;
    private HostSpec _m2 = null!;

    [OneTimeSetUp]
    public async Task StartFirstMember()
    {
        _etcd = Binaries.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException($"no etcd binary at {string.Join(" or ", Binaries)}: run scripts/install-test-deps.sh");
        _root = Directory.CreateTempSubdirectory("hakube-etcd-gateway-").FullName;
        _m1 = new HostSpec { Name = "m1", Address = LabOptions.Isolated("127.0.251.1"), Roles = [HostRole.Etcd] };
        _m2 = new HostSpec { Name = "m2", Address = LabOptions.Isolated("127.0.251.2"), Roles = [HostRole.Etcd] };
        var issuer = new ClusterPkiIssuer(new CertificateFactory(TimeProvider.System, PkiOptions.Kubeadm));
        var ca = issuer.CreateAuthorities().EtcdCa;
        foreach (var member in new[] { _m1, _m2 })
        {
            var certificates = issuer.IssueEtcdMember(ca, member);
            var pki = Pki(member);
            Directory.CreateDirectory(pki);
            await File.WriteAllTextAsync(Path.Combine(pki, "ca.crt"), ca.CertificatePem);
            foreach (var (name, pair) in new[] { ("server", certificates.Server), ("peer", certificates.Peer), ("healthcheck-client", certificates.HealthcheckClient) })
            {
                await File.WriteAllTextAsync(Path.Combine(pki, name + ".crt"), pair.CertificatePem);
                await File.WriteAllTextAsync(Path.Combine(pki, name + ".key"), pair.KeyPem);
            }
        }

        Start(_m1, $"m1={EtcdGatewayShell.PeerUrl(_m1)}", existing: false);
        await ShAsync(_m1, "wait_healthy 30");
    }

    [OneTimeTearDown]
    public void StopMembers()
    {
        foreach (var process in _members)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        if (_root.Length > 0)
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test, Order(1)]
    public async Task Probe_RealMember_ReadsItsHealthMembersAndVersionThroughTheGateway()
    {
        var inputs = new ProbeInputs(_m1.Address);
        var script = ProbeScript.Render(inputs).Replace("/etc/kubernetes/pki/etcd", Pki(_m1), StringComparison.Ordinal);

        var output = await RunAsync(script);
        var etcd = ProbeParser.Parse("m1", output, inputs, TimeProvider.System.GetUtcNow()).Facts.Etcd;

        Assert.That(etcd, Is.Not.Null, output);
        Assert.Multiple(() =>
        {
            Assert.That(etcd!.Healthy, Is.True, etcd.Error);
            Assert.That(etcd.Members.Select(m => (m.Name, m.PeerUrls.Single(), m.IsLearner)), Is.EqualTo(new[] { ("m1", EtcdGatewayShell.PeerUrl(_m1), false) }));
            Assert.That(etcd.Version, Does.Match(@"^3\.[4-9]\.[0-9]+$"));
        });
    }

    [Test, Order(2)]
    public async Task AddLearnerThenPromote_SecondMember_BecomesAHealthyVoter()
    {
        var add = await ShAsync(_m1, $"eg \"$EP\" /v3/cluster/member/add {Quote(EtcdGatewayJson.AddLearner(EtcdGatewayShell.PeerUrl(_m2)))} || fail \"add: $out\"; printf '%s' \"$out\"");
        var learner = EtcdGatewayJson.Members(add).Single(m => m.PeerUrls.Contains(EtcdGatewayShell.PeerUrl(_m2)));
        Start(_m2, $"m1={EtcdGatewayShell.PeerUrl(_m1)},m2={EtcdGatewayShell.PeerUrl(_m2)}", existing: true);

        // As AddEtcdMemberStep promotes: retried while etcd says the learner is not in sync yet.
        await ShAsync(_m1, $$"""
            n=0
            until eg "$EP" /v3/cluster/member/promote {{Quote(EtcdGatewayJson.Promote(learner.Id))}}; do
              case $out in *"in sync with leader"*) ;; *"can only promote a learner member"*) break;; esac
              n=$((n + 1)); [ "$n" -lt 60 ] || fail "not promoted: $out"; sleep 1
            done
            """);
        await ShAsync(_m2, "wait_healthy 30");
        var members = EtcdGatewayJson.Members(await ShAsync(_m1, "eg \"$EP\" /v3/cluster/member/list '{}' || fail \"$out\"; printf '%s' \"$out\""));

        Assert.Multiple(() =>
        {
            Assert.That(learner.IsLearner, Is.True);
            Assert.That(members.Select(m => (m.Name, m.IsLearner)), Is.EquivalentTo(new[] { ("m1", false), ("m2", false) }));
        });
    }

    [Test, Order(3)]
    public async Task MoveLeaderAway_FromTheLeader_LeadershipMovesToTheTarget()
    {
        var (m1, leader) = EtcdGatewayJson.Status(await ShAsync(_m1, "eg \"$EP\" /v3/maintenance/status '{}' || fail \"$out\"; printf '%s' \"$out\""));
        var (m2, _) = EtcdGatewayJson.Status(await ShAsync(_m2, "eg \"$EP\" /v3/maintenance/status '{}' || fail \"$out\"; printf '%s' \"$out\""));
        var (from, to) = leader == m1 ? (_m1, m2) : (_m2, m1);

        await ShAsync(from, EtcdGatewayShell.MoveLeaderAway(to) + "move_leader_away");

        var (_, after) = EtcdGatewayJson.Status(await ShAsync(_m1, "eg \"$EP\" /v3/maintenance/status '{}' || fail \"$out\"; printf '%s' \"$out\""));
        Assert.That(after, Is.EqualTo(to));
    }

    [Test, Order(4)]
    public async Task HandOverThenRemove_LeadingMember_IsRemovedAndTheOtherLeads()
    {
        var members = EtcdGatewayJson.Members(await ShAsync(_m1, "eg \"$EP\" /v3/cluster/member/list '{}' || fail \"$out\"; printf '%s' \"$out\""));
        var m1 = members.Single(m => m.Name == "m1");
        var m2 = members.Single(m => m.Name == "m2");
        await ShAsync(_m1, EtcdGatewayShell.MoveLeaderAway(m2.Id) + "move_leader_away");

        // As HostRemoval removes m2 through m1: leadership handed over first, through m2's own endpoint.
        await ShAsync(_m1, EtcdGatewayShell.HandOver(m2.ClientUrls[0], m2.Id, m1.Id) + $$"""
            hand_over_leadership
            n=0
            until eg "$EP" /v3/cluster/member/remove {{Quote(EtcdGatewayJson.Remove(m2.Id))}}; do
              n=$((n + 1)); [ "$n" -lt 30 ] || fail "remove: $out"; sleep 1
            done
            """);

        var left = EtcdGatewayJson.Members(await ShAsync(_m1, "eg \"$EP\" /v3/cluster/member/list '{}' || fail \"$out\"; printf '%s' \"$out\""));
        var (_, leader) = EtcdGatewayJson.Status(await ShAsync(_m1, "wait_healthy 30; eg \"$EP\" /v3/maintenance/status '{}' || fail \"$out\"; printf '%s' \"$out\""));
        Assert.Multiple(() =>
        {
            Assert.That(left.Select(m => m.Name), Is.EqualTo(new[] { "m1" }));
            Assert.That(leader, Is.EqualTo(m1.Id));
        });
    }

    [Test, Order(5)]
    public async Task Eg_NothingListens_FailsWithCurlsWords()
    {
        var stranger = new HostSpec { Name = "m9", Address = LabOptions.Isolated("127.0.251.9"), Roles = [HostRole.Etcd] };

        var said = await ShAsync(_m1, $"EP={Quote(HaClusterExtensions.EtcdClientUrl(stranger))}; if eg \"$EP\" /health; then fail unexpected; fi; printf '%s|%s' \"$code\" \"$out\"");

        Assert.That(said, Does.StartWith("000|curl: ").And.Contain("onnect"));
    }

    private string Pki(HostSpec member) => Path.Combine(_root, member.Name, "pki");

    private static string Quote(string value) => HaKube.Actions.Ssh.ShellQuote.Quote(value);

    private void Start(HostSpec member, string initialCluster, bool existing)
    {
        var pki = Pki(member);
        var start = new ProcessStartInfo(_etcd) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--name=" + member.Name, "--data-dir=" + Path.Combine(_root, member.Name, "data"),
            "--listen-client-urls=" + HaClusterExtensions.EtcdClientUrl(member), "--advertise-client-urls=" + HaClusterExtensions.EtcdClientUrl(member),
            "--listen-peer-urls=" + EtcdGatewayShell.PeerUrl(member), "--initial-advertise-peer-urls=" + EtcdGatewayShell.PeerUrl(member),
            "--initial-cluster=" + initialCluster, "--initial-cluster-state=" + (existing ? "existing" : "new"),
            $"--cert-file={pki}/server.crt", $"--key-file={pki}/server.key", $"--trusted-ca-file={pki}/ca.crt", "--client-cert-auth=true",
            $"--peer-cert-file={pki}/peer.crt", $"--peer-key-file={pki}/peer.key", $"--peer-trusted-ca-file={pki}/ca.crt", "--peer-client-cert-auth=true",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("etcd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _members.Add(process);
    }

    /// <summary>Runs <paramref name="body"/> after the step prelude and the gateway functions of <paramref name="member"/>, with its own certificates.</summary>
    private Task<string> ShAsync(HostSpec member, string body) =>
        RunAsync("set -eu\nfail() { echo \"hakube: $*\" >&2; exit 1; }\n" +
            EtcdGatewayShell.Functions(member).Replace("/etc/kubernetes/pki/etcd", Pki(member), StringComparison.Ordinal) + body + "\n");

    private static async Task<string> RunAsync(string script)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, await stderr);
        return await stdout;
    }
}
