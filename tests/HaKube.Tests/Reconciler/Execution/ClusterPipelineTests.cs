using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaKube.Actions.Pki;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Model.Planning;
using HaKube.Tests.Support;

namespace HaKube.Tests.Reconciler.Execution;

/// <summary>The pipeline's decisions and its one writing stage, without a lab: facts are made up, no host is probed.</summary>
public sealed class ClusterPipelineTests
{
    private string _root = "";
    private SshPrivateKey? _key;
    private SshConnectionPool? _pool;

    [SetUp]
    public async Task CreateStoreAndKey()
    {
        _root = Directory.CreateTempSubdirectory("hakube-pipeline-").FullName;
        _key = await TestSshKeys.NewClientKeyAsync();
        _pool = new SshConnectionPool();
    }

    [TearDown]
    public async Task Delete()
    {
        await _pool!.DisposeAsync();
        _key?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [TestCase(false, false, true)]
    [TestCase(true, false, false)]
    [TestCase(false, true, false)]
    [TestCase(true, true, false)]
    public void Acts_PausedOrObserveOnly_NeitherPreparesNorExecutes(bool paused, bool observeOnly, bool acts)
    {
        var spec = Clusters.Spec(paused: paused).Spec;
        var plan = new Plan([new PlanStep(StepKind.PrepareHost, ["cp1"], "test")], []);

        Assert.Multiple(() =>
        {
            Assert.That(PassRules.Acts(spec, observeOnly), Is.EqualTo(acts));
            Assert.That(PassRules.Executes(spec, observeOnly, plan), Is.EqualTo(acts));
            Assert.That(PassRules.Executes(spec, observeOnly, Plan.Empty), Is.False, "a converged plan runs nothing");
        });
    }

    [Test]
    public void AsRun_Paused_NoStepAndOneRefusalThatCountsThem()
    {
        var plan = new Plan([new PlanStep(StepKind.PrepareHost, ["cp1"], "swap is on"), new PlanStep(StepKind.StartKubelet, ["cp1"], "stopped")], []);

        var paused = PassRules.AsRun(Clusters.Spec(paused: true).Spec, plan);

        Assert.Multiple(() =>
        {
            Assert.That(paused.Steps, Is.Empty);
            Assert.That(paused.Refusals.Select(r => (r.Cause, r.Host, r.Step)), Is.EqualTo(new[] { (RefusalCause.Paused, (string?)null, (StepKind?)null) }));
            Assert.That(paused.Refusals[0].Detail, Does.Contain("2 step(s) would run otherwise"));
            Assert.That(PassRules.AsRun(Clusters.Spec().Spec, plan), Is.SameAs(plan), "an active cluster runs the plan as planned");
        });
    }

    [Test]
    public void StopReason_OnlyRefusals_NothingCanBeDone()
    {
        var plan = new Plan([], [new Refusal("w1", null, RefusalCause.HostUnreachable, "unreachable")]);

        Assert.That(ApplyLoop.StopReason(plan, null), Does.StartWith("nothing can be done: "));
    }

    [Test]
    public void StopReason_SameStepsAsTheLastRound_NoProgress()
    {
        var plan = new Plan([new PlanStep(StepKind.PrepareHost, ["cp1"], "swap is on")], []);

        Assert.Multiple(() =>
        {
            Assert.That(ApplyLoop.StopReason(plan, null), Is.Null, "the first round runs its steps");
            Assert.That(ApplyLoop.StopReason(plan, ApplyLoop.Signature(plan)), Does.StartWith("no progress: "));
            Assert.That(ApplyLoop.StopReason(plan, ["StartKubelet [cp1]: stopped"]), Is.Null, "other steps than last round's run");
        });
    }

    [Test]
    public async Task PrepareAsync_NotAllowedToWrite_StoreStaysAsItWasAndMaterialIsMadeInMemory()
    {
        var (pipeline, store) = Pipeline();
        var before = Hashes();

        var material = await pipeline.PrepareAsync(Observed(pipeline.Session), write: false, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(KeyBits(material.Authorities.ClusterCa.CertificatePem), Is.EqualTo(PkiOptions.Preview.RsaKeySize), "a preview's key");
            Assert.That(Hashes(), Is.EqualTo(before));
            Assert.That(await store.LoadInventoryAsync(CancellationToken.None), Is.Empty);
            Assert.That(await store.LoadAuthoritiesAsync(CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task PrepareAsync_AllowedToWrite_RemembersReachedHostsAndStoresMaterial()
    {
        var (pipeline, store) = Pipeline();
        var observed = Observed(pipeline.Session);
        var unreachable = observed with { Facts = [.. observed.Facts.Where(f => f.Host != "w2"), new() { Host = "w2", Reachable = false }] };

        var material = await pipeline.PrepareAsync(unreachable, write: true, CancellationToken.None);

        var inventory = await store.LoadInventoryAsync(CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(inventory.Select(h => h.Name), Is.EquivalentTo(pipeline.Session.Cluster.Spec.Hosts.Select(h => h.Name).Where(h => h != "w2")));
            Assert.That(await store.LoadAuthoritiesAsync(CancellationToken.None), Is.Not.Null);
            Assert.That(KeyBits(material.Authorities.ClusterCa.CertificatePem), Is.EqualTo(2048), "kubeadm's key size, not a preview's");
            Assert.That(material.Preview, Is.False);
        });
    }

    [Test]
    public async Task ScopeAsync_HostsLeftTheSpec_ReturnsThemAsDataAndWritesNothing()
    {
        var (pipeline, store) = Pipeline();
        var spec = pipeline.Session.Cluster.Spec;
        var remembered = spec.Hosts.Select(h => new ManagedHost(h.Name, h.Address, h.Roles, 22, []))
            .Append(new ManagedHost("w9", "10.0.0.99", [HostRole.Worker], 22, []))
            .Select(h => h.Name == "w1" ? h with { Roles = [HostRole.LoadBalancer] } : h)
            .ToList();
        await store.UpdateInventoryAsync(_ => remembered, CancellationToken.None);
        var before = Hashes();

        var scope = await pipeline.Session.ScopeAsync(CancellationToken.None);
        var again = await pipeline.Session.ScopeAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(scope.Departing.Select(h => h.Name), Is.EqualTo(new[] { "w9" }));
            Assert.That(scope.Targets.Select(t => t.Name).Last(), Is.EqualTo("w9"));
            Assert.That(scope.SetUpRoles["w1"], Is.EqualTo(new[] { HostRole.LoadBalancer }));
            Assert.That(again.Departing.Select(h => h.Name), Is.EqualTo(new[] { "w9" }), "observing twice sees the same");
            Assert.That(Hashes(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task PrepareAsync_NotAllowedToWriteWithTheDaemonsCache_SameMaterialNextPassAndNothingStored()
    {
        var unstored = new UnstoredMaterialCache();
        var (first, store) = Pipeline(unstored);
        var (next, _) = Pipeline(unstored);

        var made = await first.PrepareAsync(Observed(first.Session), write: false, CancellationToken.None);
        var again = await next.PrepareAsync(Observed(next.Session), write: false, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(again.Authorities.ClusterCa.CertificatePem, Is.EqualTo(made.Authorities.ClusterCa.CertificatePem), "no new CA on the next pass");
            Assert.That(await store.LoadAuthoritiesAsync(CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task ExecuteAsync_PassPreparedWithoutWriting_RefusesToRunItsSteps()
    {
        var (pipeline, store) = Pipeline();
        var observed = Observed(pipeline.Session);
        var material = await pipeline.PrepareAsync(observed, write: false, CancellationToken.None);
        var plan = pipeline.Plan(observed, material);
        Assert.That(plan.Steps, Is.Not.Empty, "a fresh cluster's plan brings it up");

        Assert.Multiple(async () =>
        {
            Assert.That(material.Preview, Is.True);
            Assert.That(() => pipeline.ExecuteAsync(new Pass(observed, material, plan), CancellationToken.None),
                Throws.InvalidOperationException.With.Message.Contains("preview"));
            Assert.That(await store.LoadAuthoritiesAsync(CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task PrepareAsync_AuthoritiesStored_ReadsThemOncePerPass()
    {
        var (first, store) = Pipeline();
        await first.PrepareAsync(Observed(first.Session), write: true, CancellationToken.None);
        var backend = new CountingBackend(new FileStateBackend(StateLayout.ClusterFolder(_root, first.Session.Cluster.Metadata.Name)));
        var session = new ClusterSession(first.Session.Cluster, [.. first.Session.Targets], _pool!, new ClusterStateStore(backend));
        var pipeline = new ClusterPipeline(session);

        var material = await pipeline.PrepareAsync(Observed(session), write: true, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(backend.Reads.Count(r => r == "authorities.json"), Is.EqualTo(1));
            Assert.That(material.Authorities.ClusterCa.CertificatePem, Is.EqualTo((await store.LoadAuthoritiesAsync(CancellationToken.None))!.ClusterCa.CertificatePem));
        });
    }

    private (ClusterPipeline Pipeline, ClusterStateStore Store) Pipeline(UnstoredMaterialCache? unstored = null)
    {
        var cluster = Clusters.Spec(loadBalancers: 0);
        var store = new ClusterStateStore(_root, cluster.Metadata.Name);
        var session = new ClusterSession(cluster, SshTargets.FromSpec(cluster.Spec, _key!, KnownHosts.Empty), _pool!, store) { UnstoredMaterial = unstored };
        return (new ClusterPipeline(session), store);
    }

    private sealed class CountingBackend(IStateBackend inner) : IStateBackend
    {
        public List<string> Reads { get; } = [];

        public string Location => inner.Location;

        public Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
        {
            Reads.Add(name);
            return inner.ReadAsync(name, cancellationToken);
        }

        public Task WriteAsync(string name, string content, CancellationToken cancellationToken) => inner.WriteAsync(name, content, cancellationToken);

        public Task<bool> CreateOnceAsync(string name, string content, CancellationToken cancellationToken) => inner.CreateOnceAsync(name, content, cancellationToken);
    }

    private static int KeyBits(string certificatePem)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        using var key = certificate.GetRSAPublicKey() ?? throw new AssertionException("not an RSA certificate");
        return key.KeySize;
    }

    private static Observation Observed(ClusterSession session) =>
        new([.. Clusters.FreshFacts(session.Cluster).Values], null, new ProbeScope([.. session.Targets], new Dictionary<string, SshTarget>(), [], [], new Dictionary<string, IReadOnlyList<HostRole>>()));

    private SortedDictionary<string, string> Hashes() =>
        new SortedDictionary<string, string>(
            Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(_root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
            StringComparer.Ordinal);
}
