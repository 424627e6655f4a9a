using HaKube.Actions.Ssh;
using HaKube.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Actions.Ssh;

/// <summary>The pool's bookkeeping, without connecting anywhere: a connection only connects on first use.</summary>
public sealed class SshConnectionPoolTests
{
    private const string HostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGRfEU2CIcoNd8taXYfnRuGE1HS3oAkki3Tzehe4fBXD";
    private const string OtherHostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFBwZrNHoS22w8aO6UthlNUUxwyKUfWzYTSq7oZ+Dn/X";

    private SshPrivateKey? _key;

    private SshPrivateKey Key => _key ?? throw new InvalidOperationException("no key");

    [OneTimeSetUp]
    public async Task CreateKey()
    {
        _key = await TestSshKeys.NewClientKeyAsync();
    }

    [OneTimeTearDown]
    public void RemoveKey()
    {
        _key?.Dispose();
    }

    [Test]
    public async Task Constructor_HostSlots_ReserveOneBlockedThreadEachBesidesTheCores()
    {
        // SSH.NET blocks a pool thread through every handshake; the pool must not ration them.
        await using var pool = new SshConnectionPool(new SshSettings { MaxParallelHosts = 96 });

        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.That(workers, Is.GreaterThanOrEqualTo(96 + Environment.ProcessorCount));
    }

    [Test]
    public async Task Constructor_FewHostSlots_NeverLowersTheMinimum()
    {
        ThreadPool.GetMinThreads(out var before, out _);

        await using var pool = new SshConnectionPool(new SshSettings { MaxParallelHosts = 1 });

        ThreadPool.GetMinThreads(out var after, out _);
        Assert.That(after, Is.EqualTo(before));
    }

    [Test]
    public void PoolKey_HostKeyRevokedInKnownHosts_IsAnotherSession()
    {
        var trusted = KnownHosts.Parse($"10.0.0.7 {HostKey}\n");
        var revoked = KnownHosts.Parse($"10.0.0.7 {HostKey}\n@revoked 10.0.0.7 {OtherHostKey}\n");

        Assert.That(Target(revoked).PoolKey, Is.Not.EqualTo(Target(trusted).PoolKey));
    }

    [Test]
    public void PoolKey_SameTrust_IsTheSameSession()
    {
        var once = KnownHosts.Parse($"10.0.0.7 {HostKey}\n");
        var again = KnownHosts.Parse($"10.0.0.7 {HostKey}\n");

        Assert.That(Target(again).PoolKey, Is.EqualTo(Target(once).PoolKey));
    }

    [Test]
    public async Task RetireIdleAsync_TargetUnusedLongerThanTheRetirement_ClosesOnlyThatSession()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var pool = new SshConnectionPool(new SshSettings { IdleRetirement = TimeSpan.FromMinutes(10) }, time: time);
        var old = Target(KnownHosts.Parse($"10.0.0.7 {HostKey}\n"));
        var current = Target(KnownHosts.Parse($"10.0.0.7 {HostKey}\n@revoked 10.0.0.7 {OtherHostKey}\n"));
        pool.Get(old);
        time.Advance(TimeSpan.FromMinutes(6));
        var kept = pool.Get(current);
        time.Advance(TimeSpan.FromMinutes(5));

        await pool.RetireIdleAsync();

        Assert.That(pool.Pooled, Is.EqualTo(1));
        Assert.That(pool.Get(current), Is.SameAs(kept));
    }

    [Test]
    public async Task RetireIdleAsync_EverySessionRecentlyUsed_KeepsThemAll()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var pool = new SshConnectionPool(new SshSettings { IdleRetirement = TimeSpan.FromMinutes(10) }, time: time);
        var target = Target(KnownHosts.Parse($"10.0.0.7 {HostKey}\n"));
        pool.Get(target);
        time.Advance(TimeSpan.FromMinutes(9));

        await pool.RetireIdleAsync();

        Assert.That(pool.Pooled, Is.EqualTo(1));
    }

    private SshTarget Target(KnownHosts knownHosts) =>
        new("cp1", new SshEndpoint("10.0.0.7", 22, "root", HostKeyPolicy.FromKnownHosts(knownHosts, "10.0.0.7", "cp1", 22)), null, Key);
}
