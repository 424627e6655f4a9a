using HaKube.Tests.Reconciler.Daemon;

namespace HaKube.Tests.Reconciler.Kubernetes;

[TestFixture]
[NonParallelizable]
public sealed class LeaseLeadershipTests
{
    private static readonly TimeSpan Bound = KubeLoopSupport.Bound;
    private string _state = "";

    [SetUp]
    public void Folders() => _state = Directory.CreateTempSubdirectory("hakube-crd-l-").FullName;

    [TearDown]
    public void Clean() => DaemonTestSupport.DeleteQuietly(_state);

    [Test]
    public async Task ExecuteAsync_TwoDaemonsOneLease_ExactlyOneActsAndTheOtherTakesOver()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var (first, second) = (new ReadyReconciler(), new ReadyReconciler());
        using var a = KubeLoopSupport.Loop(server, first, _state, identity: "hakube-a");
        using var b = KubeLoopSupport.Loop(server, second, _state, identity: "hakube-b");
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        var stopped = new List<Microsoft.Extensions.Hosting.BackgroundService>();
        try
        {
            await Task.WhenAny(a.Leading, b.Leading).WaitAsync(Bound);
            await KubeTestSupport.CreateAsync(client, "demo", KubeLoopSupport.Spec());
            Assert.That(await DaemonTestSupport.EventuallyAsync(() => first.CallsFor("demo") + second.CallsFor("demo") >= 1, Bound), Is.True);
            await Task.Delay(TimeSpan.FromSeconds(1)); // several retry periods: the standby must stay standing by
            var (leader, standby, leaderCalls, standbyCalls) = a.IsLeading ? (a, b, first, second) : (b, a, second, first);
            var bothLeading = a.IsLeading && b.IsLeading;
            var standbyCallsWhileStandingBy = standbyCalls.Calls.Count;

            // The leader stops; the standby takes the Lease once it expires and reconciles on its own.
            await leader.StopAsync(CancellationToken.None);
            stopped.Add(leader);
            var tookOver = await DaemonTestSupport.EventuallyAsync(() => standby.IsLeading && standbyCalls.CallsFor("demo") >= 1, Bound);

            using (Assert.EnterMultipleScope())
            {
                Assert.That(bothLeading, Is.False, "never two leaders");
                Assert.That(leaderCalls.CallsFor("demo"), Is.GreaterThanOrEqualTo(1));
                Assert.That(standbyCallsWhileStandingBy, Is.Zero, "the standby reconciled nothing");
                Assert.That(tookOver, Is.True);
            }
        }
        finally
        {
            foreach (var loop in new[] { a, b }.Except(stopped))
            {
                await loop.StopAsync(CancellationToken.None);
            }
        }
    }
}
