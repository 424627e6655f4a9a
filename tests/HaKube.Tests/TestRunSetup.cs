namespace HaKube.Tests;

/// <summary>
/// Once for the whole test run. Lab tests run HaKube in-process beside their own observers (the
/// etcd and API watchers sample every 100 ms with 1 s timeouts). SSH handshakes hold thread-pool
/// threads while they wait, and on a 2-core machine the pool starts with 2 threads and grows about
/// one per half second: a probe of eight hosts then delays the watchers' answers past their timeout,
/// and a healthy etcd looks lost. Enough threads up front keep the observers measuring the cluster,
/// not this process.
/// </summary>
[SetUpFixture]
public sealed class TestRunSetup
{
    private int _worker;
    private int _io;

    [OneTimeSetUp]
    public void ReserveThreads()
    {
        ThreadPool.GetMinThreads(out _worker, out _io);
        ThreadPool.SetMinThreads(Math.Max(_worker, 64), Math.Max(_io, 64));
    }

    [OneTimeTearDown]
    public void RestoreThreads() => ThreadPool.SetMinThreads(_worker, _io);
}
