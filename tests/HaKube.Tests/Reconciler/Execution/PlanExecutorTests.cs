using System.Collections.Concurrent;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Reconciler.Execution;

/// <summary>The executor's waves and stop-early rule, with fake steps: no host is reached.</summary>
public sealed class PlanExecutorTests
{
    private static readonly Observation Nothing = new([], null, new ProbeScope([], new Dictionary<string, SshTarget>(), [], [], new Dictionary<string, IReadOnlyList<HostRole>>()));
    private readonly ConcurrentQueue<string> _events = new();
    private string _root = "";
    private SshConnectionPool? _pool;

    [SetUp]
    public void CreateStore()
    {
        _events.Clear();
        _root = Directory.CreateTempSubdirectory("hakube-executor-").FullName;
        _pool = new SshConnectionPool();
    }

    [TearDown]
    public async Task Delete()
    {
        await _pool!.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task RunAsync_ConsecutiveSameKindSteps_RunTogetherThenTheNextWave()
    {
        var ran = await RunAsync(Step(StepKind.PrepareHost, "cp1"), Step(StepKind.PrepareHost, "cp2"), Step(StepKind.StartKubelet, "cp1"));

        var events = _events.ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ran, Is.EqualTo(3));
            Assert.That(events.Take(2), Is.EquivalentTo(new[] { "start PrepareHost cp1", "start PrepareHost cp2" }), "both hosts of the wave started before either ended");
            Assert.That(events.Skip(4), Is.EqualTo(new[] { "start StartKubelet cp1", "end StartKubelet cp1" }));
        });
    }

    [Test]
    public async Task RunAsync_EtcdMembershipChange_StopsAfterIt()
    {
        var ran = await RunAsync(Step(StepKind.AddEtcdMember, "cp2") with { ChangesEtcdMembership = true }, Step(StepKind.AddEtcdMember, "cp3") with { ChangesEtcdMembership = true });

        Assert.Multiple(() =>
        {
            Assert.That(ran, Is.EqualTo(1));
            Assert.That(_events, Is.EqualTo(new[] { "start AddEtcdMember cp2", "end AddEtcdMember cp2" }));
        });
    }

    [TestCase(StepKind.BootstrapEtcd)]
    [TestCase(StepKind.InitControlPlane)]
    [TestCase(StepKind.JoinControlPlane)]
    public async Task RunAsync_ClusterCreatingStep_StopsAfterItsWave(StepKind kind)
    {
        var ran = await RunAsync(Step(kind, "cp1"), Step(StepKind.JoinWorker, "w1"));

        Assert.Multiple(() =>
        {
            Assert.That(ran, Is.EqualTo(1));
            Assert.That(_events, Does.Not.Contain("start JoinWorker w1"));
        });
    }

    [Test]
    public void RunAsync_OneHostFails_StopsTheRun()
    {
        var failure = Assert.ThrowsAsync<StepFailedException>(() => RunAsync(Step(StepKind.PrepareHost, "bad1"), Step(StepKind.StartKubelet, "cp1")));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Host, Is.EqualTo("bad1"));
            Assert.That(_events, Does.Not.Contain("start StartKubelet cp1"));
        });
    }

    [Test]
    public void RunAsync_SeveralHostsFail_ReportsEveryOne()
    {
        var failure = Assert.ThrowsAsync<AggregateException>(() => RunAsync(Step(StepKind.PrepareHost, "bad1"), Step(StepKind.PrepareHost, "cp2"), Step(StepKind.PrepareHost, "bad2")));

        Assert.That(failure!.InnerExceptions.OfType<StepFailedException>().Select(e => e.Host), Is.EquivalentTo(new[] { "bad1", "bad2" }));
    }

    private static PlanStep Step(StepKind kind, string host) => new(kind, [host], "test");

    private Task<int> RunAsync(params PlanStep[] steps)
    {
        var cluster = Clusters.Spec();
        var session = new ClusterSession(cluster, [], _pool!, new ClusterStateStore(_root, cluster.Metadata.Name));
        var executor = new PlanExecutor(session) { RunStep = FakeStepAsync };
        return executor.RunAsync(new Plan(steps, []), Nothing, new ClusterMaterial(null!, null), CancellationToken.None);
    }

    // Each step starts, yields long enough for its wave's other steps to start, then ends; a host named bad* fails.
    private async Task FakeStepAsync(StepContext context, PlanStep step, CancellationToken cancellationToken)
    {
        var host = step.Hosts[0];
        _events.Enqueue($"start {step.Kind} {host}");
        await Task.Delay(50, cancellationToken);
        if (host.StartsWith("bad", StringComparison.Ordinal))
        {
            throw new StepFailedException(host, step.Kind, "test", "failed", []);
        }

        _events.Enqueue($"end {step.Kind} {host}");
    }
}
