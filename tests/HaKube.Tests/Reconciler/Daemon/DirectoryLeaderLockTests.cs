using HaKube.Reconciler.Daemon;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
public sealed class DirectoryLeaderLockTests
{
    [Test]
    public async Task TryAcquire_HeldByAnother_FalseUntilReleased()
    {
        var state = Directory.CreateTempSubdirectory("hakube-lock-").FullName;
        try
        {
            await using var one = new DirectoryLeaderLock(state, TimeProvider.System, NullLogger.Instance);
            await using var two = new DirectoryLeaderLock(state, TimeProvider.System, NullLogger.Instance);

            var first = one.TryAcquire();
            var secondWhileHeld = two.TryAcquire();
            one.Release();
            var secondAfterRelease = two.TryAcquire();

            Assert.Multiple(() =>
            {
                Assert.That(first, Is.True);
                Assert.That(secondWhileHeld, Is.False);
                Assert.That(secondAfterRelease, Is.True);
            });
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Test]
    public async Task AcquireAsync_HeldByAnotherProcess_WaitsUntilThatProcessExits()
    {
        var state = Directory.CreateTempSubdirectory("hakube-lock-").FullName;
        try
        {
            // flock(1) holds the same kind of lock .NET takes, from another process, for one second; its
            // command says when it holds it (a fixed 200 ms was not always enough on a loaded machine).
            var start = new System.Diagnostics.ProcessStartInfo("flock", ["-x", Path.Combine(state, DirectoryLeaderLock.FileName), "sh", "-c", "echo held; exec sleep 1"]) { RedirectStandardOutput = true };
            using var holder = System.Diagnostics.Process.Start(start)!;
            var held = await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await using var daemon = new DirectoryLeaderLock(state, TimeProvider.System, NullLogger.Instance) { RetryInterval = TimeSpan.FromMilliseconds(50) };

            var whileHeld = daemon.TryAcquire();
            await daemon.AcquireAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            // The lock goes as flock exits; .NET may notice the exit a moment later on a loaded machine,
            // but an acquisition while the holder still slept would leave it running far longer.
            var holderGone = holder.WaitForExit(TimeSpan.FromMilliseconds(500));

            Assert.Multiple(() =>
            {
                Assert.That(held, Is.EqualTo("held"));
                Assert.That(whileHeld, Is.False);
                Assert.That(holderGone, Is.True);
                Assert.That(daemon.IsHeld, Is.True);
            });
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
