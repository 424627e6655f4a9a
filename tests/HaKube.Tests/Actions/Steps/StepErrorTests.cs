using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;

namespace HaKube.Tests.Actions.Steps;

[TestFixture]
public sealed class StepErrorTests
{
    private const string Token = "abcdef.0123456789abcdef";

    // The store's own folder: a store rooted in /tmp itself would look over (and race with) every other test's temporary folders.
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-step-error-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public void Message_FailedCommand_NamesHostStepPurposeOutcomeAndStderrTail()
    {
        var error = new StepFailedException("cp2", StepKind.JoinControlPlane, "join the control plane with kubeadm join --control-plane", "exit 1", ["line one", "error execution phase preflight"]);

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.StartWith("host cp2: step JoinControlPlane failed to join the control plane with kubeadm join --control-plane (exit 1)"));
            Assert.That(error.Message, Does.Contain("error execution phase preflight"));
            Assert.That(error.Message, Does.Not.Contain("exit status 1"));
        });
    }

    [Test]
    public void Tail_SecretsInStderr_AreRedacted()
    {
        const string stderr = """
            using token abcdef.0123456789abcdef to join
            -----BEGIN RSA PRIVATE KEY-----
            MIIEowIBAAKCAQEA
            -----END RSA PRIVATE KEY-----
                client-key-data: LS0tLS1CRUdJTg==
            last line
            """;

        var tail = string.Join('\n', SecretScrubber.Tail(stderr, 20, ["supersecret"]));

        Assert.Multiple(() =>
        {
            Assert.That(tail, Does.Not.Contain("0123456789abcdef"));
            Assert.That(tail, Does.Contain("abcdef.<redacted>"), "the token id may be shown");
            Assert.That(tail, Does.Not.Contain("MIIEowIBAAKCAQEA"));
            Assert.That(tail, Does.Not.Contain("LS0tLS1CRUdJTg=="));
            Assert.That(tail, Does.EndWith("last line"));
        });
    }

    [Test]
    public void Tail_LongStderr_KeepsTheLastLines()
    {
        var stderr = string.Join('\n', Enumerable.Range(1, 50).Select(i => $"line {i}"));

        Assert.That(SecretScrubber.Tail(stderr, 3), Is.EqualTo(new[] { "line 48", "line 49", "line 50" }));
    }

    [Test]
    public async Task RunAsync_StepScriptFails_ThrowsWithHostStepExitAndScrubbedStderr()
    {
        var connection = new FailingConnection("w1", new CommandResult(2, null, "", $"[preflight] token {Token}\nerror: something broke\n", false));
        var step = new StartEtcdMemberStep();
        var context = Context(connection);

        var error = Assert.ThrowsAsync<StepFailedException>(() => step.RunAsync(context, new PlanStep(StepKind.StartEtcdMember, ["etcd1"], "stopped"), CancellationToken.None))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Host, Is.EqualTo("etcd1"));
            Assert.That(error.Step, Is.EqualTo(StepKind.StartEtcdMember));
            Assert.That(error.Outcome, Is.EqualTo("exit 2"));
            Assert.That(error.Message, Does.Contain("error: something broke"));
            Assert.That(error.Message, Does.Not.Contain(Token));
        });
    }

    private StepContext Context(IHostConnection connection)
    {
        var cluster = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4");
        return new StepContext
        {
            Cluster = cluster,
            Material = new ClusterMaterial(TestPki.Authorities, null),
            Store = new ClusterStateStore(_root, "unused"),
            Facts = new Dictionary<string, HostFacts>(),
            Connect = _ => connection,
        };
    }

    private sealed class FailingConnection(string host, CommandResult result) : IHostConnection
    {
        public string Host => host;

        public Task<CommandResult> RunAsync(string script, CommandOptions? options, CancellationToken cancellationToken) => Task.FromResult(result);

        public Task UploadAsync(string path, ReadOnlyMemory<byte> content, RemoteFileOptions options, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<byte[]?> DownloadAsync(string path, CancellationToken cancellationToken) => Task.FromResult<byte[]?>(null);
    }
}
