using HaKube.Tests.Reconciler.Daemon;
using k8s;

namespace HaKube.Tests.Reconciler.Kubernetes;

[TestFixture]
[NonParallelizable]
public sealed class CustomResourceLoopTests
{
    private static readonly TimeSpan Bound = KubeLoopSupport.Bound;
    private string _state = "";

    [SetUp]
    public void Folders() => _state = Directory.CreateTempSubdirectory("hakube-crd-s-").FullName;

    [TearDown]
    public void Clean() => DaemonTestSupport.DeleteQuietly(_state);

    [Test]
    public async Task ExecuteAsync_ClusterCreated_ReconciledAndStatusWritten()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var reconciler = new ReadyReconciler();
        using var loop = KubeLoopSupport.Loop(server, reconciler, _state);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await loop.Leading.WaitAsync(Bound);
            await KubeTestSupport.CreateAsync(client, "demo", KubeLoopSupport.Spec());

            var written = await DaemonTestSupport.EventuallyAsync(() => KubeLoopSupport.ObservedGeneration(server, "demo") == 1, Bound);
            var recorded = await DaemonTestSupport.EventuallyAsync(() => server.Events.Any(e => e["reason"]?.GetValue<string>() == "Converged"), Bound); // the Event follows the status
            var status = KubeLoopSupport.Status(server, "demo");
            var stored = server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, "demo")!;

            using (Assert.EnterMultipleScope())
            {
                Assert.That(written, Is.True, "status.observedGeneration reaches metadata.generation");
                Assert.That(reconciler.CallsFor("demo"), Is.GreaterThanOrEqualTo(1));
                Assert.That(status?["phase"]?.GetValue<string>(), Is.EqualTo("Ready"));
                Assert.That(status?["conditions"]?[0]?["reason"]?.GetValue<string>(), Is.EqualTo("Converged"));
                Assert.That(status?["conditions"]?[0]?["observedGeneration"]?.ToJsonString(), Is.EqualTo("1"));
                Assert.That(stored["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()), Does.Contain("hakube.io/finalizer"));
                Assert.That(recorded, Is.True);
                Assert.That(server.Events.Select(e => e["reason"]?.GetValue<string>()), Does.Contain("Managed").And.Contain("Converged"));
            }
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_InvalidSpec_LocatedErrorInStatusAndNotReconciled()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var reconciler = new ReadyReconciler();
        using var loop = KubeLoopSupport.Loop(server, reconciler, _state);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await loop.Leading.WaitAsync(Bound);
            var unknownField = KubeLoopSupport.Spec();
            unknownField["etcdTopology"] = "Stacked"; // not a field: the strict binder refuses it
            await KubeTestSupport.CreateAsync(client, "bad", unknownField);
            await KubeTestSupport.CreateAsync(client, "old", KubeLoopSupport.Spec(version: "v1.20.0")); // binds, fails validation

            var written = await DaemonTestSupport.EventuallyAsync(() => KubeLoopSupport.ObservedGeneration(server, "bad") == 1 && KubeLoopSupport.ObservedGeneration(server, "old") == 1, Bound);
            var recorded = await DaemonTestSupport.EventuallyAsync(() => server.Events.Count(e => e["reason"]?.GetValue<string>() == "InvalidManifest") == 2, Bound);
            var ready = KubeLoopSupport.Status(server, "bad")?["conditions"]?.AsArray().Single(c => c?["type"]?.GetValue<string>() == "Ready");
            var message = ready?["message"]?.GetValue<string>() ?? "";
            var oldMessage = KubeLoopSupport.Status(server, "old")?["conditions"]?.AsArray().Single(c => c?["type"]?.GetValue<string>() == "Ready")?["message"]?.GetValue<string>() ?? "";

            using (Assert.EnterMultipleScope())
            {
                Assert.That(written, Is.True);
                Assert.That(KubeLoopSupport.Status(server, "bad")?["phase"]?.GetValue<string>(), Is.EqualTo("Failed"));
                Assert.That(ready?["reason"]?.GetValue<string>(), Is.EqualTo("InvalidManifest"));
                Assert.That(message, Does.Match(@"hakube-system/bad:\d+:\d+: spec\.etcdTopology: unknown field"));
                Assert.That(oldMessage, Does.Match(@"hakube-system/old:\d+:\d+: spec\.kubernetesVersion: "));
                Assert.That(reconciler.Calls, Is.Empty);
                Assert.That(recorded, Is.True, "one InvalidManifest Event per cluster");
            }
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_WatchDroppedThenTooOld_ResumesThenRelistsAndMissesNothing()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var reconciler = new ReadyReconciler();
        using var loop = KubeLoopSupport.Loop(server, reconciler, _state);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await loop.Leading.WaitAsync(Bound);
            await KubeTestSupport.CreateAsync(client, "one", KubeLoopSupport.Spec());
            Assert.That(await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("one") >= 1, Bound), Is.True);

            // Dropped: "two" is created while the client is between watches; the resumed watch replays it.
            server.HoldWatches = true;
            server.DropWatches();
            await KubeTestSupport.CreateAsync(client, "two", KubeLoopSupport.Spec());
            server.HoldWatches = false;
            var two = await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("two") >= 1, Bound);
            var listsBefore = loop.Informer!.Lists;

            // Too old: "three" is created and then compacted away while the client is between watches.
            server.HoldWatches = true;
            server.DropWatches();
            await KubeTestSupport.CreateAsync(client, "three", KubeLoopSupport.Spec());
            server.Compact();
            server.HoldWatches = false;
            var three = await DaemonTestSupport.EventuallyAsync(() => reconciler.CallsFor("three") >= 1, Bound);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(two, Is.True, "the change made while the watch was down arrives after it resumes");
                Assert.That(loop.Informer.Resumes, Is.GreaterThanOrEqualTo(1));
                Assert.That(listsBefore, Is.EqualTo(1), "a drop resumes; it does not relist");
                Assert.That(three, Is.True, "the change compacted away is found by the relist");
                Assert.That(server.GoneAnswers, Is.GreaterThanOrEqualTo(1));
                Assert.That(loop.Informer.Lists, Is.EqualTo(2));
            }
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task ExecuteAsync_ClusterDeleted_FinalizerRemovedAndObjectGone()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var reconciler = new ReadyReconciler();
        using var loop = KubeLoopSupport.Loop(server, reconciler, _state);
        await loop.StartAsync(CancellationToken.None);
        try
        {
            await loop.Leading.WaitAsync(Bound);
            await KubeTestSupport.CreateAsync(client, "demo", KubeLoopSupport.Spec());
            Assert.That(await DaemonTestSupport.EventuallyAsync(() => KubeLoopSupport.ObservedGeneration(server, "demo") == 1, Bound), Is.True);

            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, "demo");
            var gone = await DaemonTestSupport.EventuallyAsync(() => server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, "demo") is null, Bound);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(gone, Is.True, "the finalizer was removed, so the API server deleted the object");
                Assert.That(server.Events.Select(e => e["reason"]?.GetValue<string>()), Does.Contain("ManifestDeleted"));
            }
        }
        finally
        {
            await loop.StopAsync(CancellationToken.None);
        }
    }
}
