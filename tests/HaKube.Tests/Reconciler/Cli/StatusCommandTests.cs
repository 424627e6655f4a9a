using System.CommandLine;
using System.Text.Json;
using HaKube.Model.Status;
using HaKube.Reconciler.Cli;
using HaKube.Reconciler.Daemon;

namespace HaKube.Tests.Reconciler.Cli;

[TestFixture]
public sealed class StatusCommandTests
{
    private static readonly DateTimeOffset Written = new(2026, 11, 29, 14, 0, 0, TimeSpan.Zero);

    private string _state = "";

    [SetUp]
    public async Task WriteStatus()
    {
        _state = Directory.CreateTempSubdirectory("hakube-status-").FullName;
        var document = new StatusDocument
        {
            Cluster = "demo",
            UpdatedAt = Written,
            Status = new HaClusterStatus
            {
                Phase = ClusterPhase.Ready,
                Hosts =
                [
                    new HostStatus
                    {
                        Name = "cp1",
                        Reachable = true,
                        CertificatesNotAfter = Written.AddDays(12),
                        Certificates =
                        [
                            new CertificateStatus { Path = "/etc/kubernetes/admin.conf", NotAfter = Written.AddDays(300) },
                            new CertificateStatus { Path = "/etc/kubernetes/pki/apiserver.crt", NotAfter = Written.AddDays(12.5) },
                        ],
                    },
                ],
                Refusals = [new RefusalStatus { Host = "cp2", Action = "JoinControlPlane", Cause = "QuorumGuard", Message = "etcd would lose quorum" }],
            },
        };
        await new StatusWriter(_state).WriteAsync(document, CancellationToken.None);
    }

    [TearDown]
    public void DeleteState() => Directory.Delete(_state, recursive: true);

    [Test]
    public async Task Status_Detail_ListsEveryCertificateWithItsNotAfterAndDaysLeft()
    {
        var (exit, output) = await RunAsync("status", "demo", "--state-dir", _state);

        Assert.That(exit, Is.Zero, output);
        var line = output.Split('\n').Single(l => l.Contains("/etc/kubernetes/pki/apiserver.crt", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("cp1").And.Contain("2026-12-12 02:00").And.Contain(" 12 "));
        Assert.That(output, Does.Contain("/etc/kubernetes/admin.conf"));
    }

    [Test]
    public async Task Status_Json_CarriesTheCertificatesOfEachHost()
    {
        var (exit, output) = await RunAsync("status", "demo", "--state-dir", _state, "--output", "json");

        Assert.That(exit, Is.Zero, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement[0] : json.RootElement;
        var certificates = root.GetProperty("status").GetProperty("hosts")[0].GetProperty("certificates");
        Assert.That(certificates.EnumerateArray().Select(c => c.GetProperty("path").GetString()),
            Is.EqualTo(new[] { "/etc/kubernetes/admin.conf", "/etc/kubernetes/pki/apiserver.crt" }));
        Assert.That(certificates[1].GetProperty("notAfter").GetDateTimeOffset(), Is.EqualTo(Written.AddDays(12.5)));
    }

    [Test]
    public async Task Status_Detail_RefusalWithItsCause()
    {
        var (exit, output) = await RunAsync("status", "demo", "--state-dir", _state);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("refused (QuorumGuard): cp2 JoinControlPlane: etcd would lose quorum"));
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var exit = await HakubeCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (exit, output.ToString());
    }
}
