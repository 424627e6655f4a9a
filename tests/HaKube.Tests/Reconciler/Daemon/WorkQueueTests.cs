using System.Collections.Concurrent;
using HaKube.Reconciler.Daemon;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
public sealed class WorkQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public void Add_SameKeyWhileWaiting_QueuedOnce()
    {
        using var queue = new WorkQueue(new FakeTimeProvider());

        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.That(queue.Depth, Is.EqualTo(2));
    }

    [Test]
    public async Task Done_KeyAddedWhileActive_QueuedAgainOnlyAfterDone()
    {
        using var queue = new WorkQueue(new FakeTimeProvider());
        queue.Add("a");
        var key = await queue.TakeAsync(CancellationToken.None);

        queue.Add("a");
        var depthWhileActive = queue.Depth;
        queue.Done(key);

        Assert.Multiple(() =>
        {
            Assert.That(depthWhileActive, Is.Zero, "an active key is not handed out again");
            Assert.That(queue.Depth, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RunAsync_ConcurrentAddsOfOneKey_NeverTwoPassesOfItAtOnce()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        using var stop = new CancellationTokenSource(Bound);
        var running = new ConcurrentDictionary<string, int>();
        var overlaps = 0;
        var passes = 0;
        var workers = QueueWorkers.RunAsync(queue, 8, async (key, ct) =>
        {
            if (running.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(2, CancellationToken.None);
            running.AddOrUpdate(key, 0, (_, n) => n - 1);
            Interlocked.Increment(ref passes);
        }, stop.Token);

        // Eight threads add the same two keys as fast as they can while workers run them.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            for (var n = 0; n < 300; n++)
            {
                queue.Add(i % 2 == 0 ? "a" : "b");
                if (n % 10 == 0)
                {
                    await Task.Yield();
                }
            }
        })));
        var settled = await DaemonTestSupport.EventuallyAsync(() => queue.Depth == 0 && running.Values.All(n => n == 0), Bound);
        await stop.CancelAsync();
        await workers;

        Assert.Multiple(() =>
        {
            Assert.That(settled, Is.True, "the queue drains");
            Assert.That(overlaps, Is.Zero);
            Assert.That(passes, Is.GreaterThanOrEqualTo(2));
        });
    }

    [Test]
    public async Task RunAsync_ManyKeys_NeverMoreThanMaxParallelAtOnce()
    {
        using var queue = new WorkQueue(TimeProvider.System);
        using var stop = new CancellationTokenSource(Bound);
        var current = 0;
        var peak = 0;
        var done = 0;
        var workers = QueueWorkers.RunAsync(queue, 3, async (key, ct) =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            await Task.Delay(20, CancellationToken.None);
            Interlocked.Decrement(ref current);
            Interlocked.Increment(ref done);
        }, stop.Token);

        for (var i = 0; i < 20; i++)
        {
            queue.Add($"cluster-{i}");
        }

        var finished = await DaemonTestSupport.EventuallyAsync(() => Volatile.Read(ref done) == 20, Bound);
        await stop.CancelAsync();
        await workers;

        Assert.Multiple(() =>
        {
            Assert.That(finished, Is.True);
            Assert.That(peak, Is.EqualTo(3), "the bound is reached and never passed");
        });
    }

    [Test]
    public void Next_RepeatedFailures_DelayDoublesUpToTheCap()
    {
        var backoff = new Backoff(new FakeTimeProvider(), random: () => 0) { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(60) };

        var delays = Enumerable.Range(1, 9).Select(n => backoff.Next(n).TotalSeconds).ToList();

        Assert.That(delays, Is.EqualTo(new double[] { 1, 2, 4, 8, 16, 32, 60, 60, 60 }));
    }

    [Test]
    public void Next_WithJitter_ShorterByAtMostTheJitterAndStillGrowing()
    {
        var backoff = new Backoff(new FakeTimeProvider(), random: () => 0.999) { BaseDelay = TimeSpan.FromSeconds(1), Jitter = 0.1 };

        var delays = Enumerable.Range(1, 6).Select(n => backoff.Next(n).TotalSeconds).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(delays[0], Is.InRange(0.9, 1.0));
            Assert.That(delays, Is.Ordered.Ascending);
            Assert.That(delays.Zip(delays.Skip(1)).All(p => p.Second > p.First * 1.7), Is.True, "still roughly doubling");
        });
    }

    [Test]
    public void Next_BurstOfRetriesAcrossClusters_RateLimitedByTheBucket()
    {
        var backoff = new Backoff(new FakeTimeProvider(), random: () => 0) { BaseDelay = TimeSpan.FromMilliseconds(1), Burst = 5, RetriesPerSecond = 10 };

        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next(1)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(delays.Take(5), Has.All.EqualTo(TimeSpan.FromMilliseconds(1)), "the burst passes");
            Assert.That(delays[5], Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(delays[7], Is.EqualTo(TimeSpan.FromMilliseconds(300)));
        });
    }

    [Test]
    public async Task AddRateLimited_FailuresThenForget_WaitsGrowThenReset()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue(time, new Backoff(time, random: () => 0) { BaseDelay = TimeSpan.FromSeconds(1) });

        var first = queue.AddRateLimited("a");
        var notYet = queue.Depth;
        time.Advance(TimeSpan.FromSeconds(1));
        var afterFirst = queue.Depth;
        queue.Done(await queue.TakeAsync(CancellationToken.None));
        var second = queue.AddRateLimited("a");
        var third = queue.AddRateLimited("a");
        queue.Forget("a");
        var afterReset = queue.AddRateLimited("a");

        Assert.Multiple(() =>
        {
            Assert.That(notYet, Is.Zero, "not queued before its delay");
            Assert.That(afterFirst, Is.EqualTo(1));
            Assert.That(new[] { first, second, third }, Is.EqualTo(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) }));
            Assert.That(afterReset, Is.EqualTo(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public void StartResync_PeriodElapses_EveryKnownKeyQueuedWithinTheNextPeriod()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue(time);
        queue.StartResync(TimeSpan.FromSeconds(60), () => ["a", "b"]);

        time.Advance(TimeSpan.FromSeconds(59));
        var before = queue.Depth;
        time.Advance(TimeSpan.FromSeconds(1));
        var atTheTick = queue.Depth;
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.Zero);
            Assert.That(atTheTick, Is.EqualTo(1), "the first key at the tick");
            Assert.That(queue.Depth, Is.EqualTo(2), "the second half a period later");
        });
    }

    [Test]
    public async Task StartResync_ManyKeys_SpreadEvenlyOverThePeriodInNameOrder()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue(time);
        queue.StartResync(TimeSpan.FromSeconds(60), () => ["d", "b", "a", "c"]);
        var queued = new List<(double Second, string Key)>();

        // Two periods, a second at a time: each key once per period, 15 s after the one before it.
        for (var second = 1; second <= 120; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            while (queue.Depth > 0)
            {
                var key = await queue.TakeAsync(CancellationToken.None);
                queue.Done(key);
                queued.Add((second, key));
            }
        }

        Assert.That(queued, Is.EqualTo(new[]
        {
            (60.0, "a"), (75.0, "b"), (90.0, "c"), (105.0, "d"),
            (120.0, "a"),
        }));
    }

    [Test]
    public void AddAfter_EarlierAddPending_TheEarlierWins()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(queue.Depth, Is.EqualTo(1));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
