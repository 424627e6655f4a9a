using System.Runtime.Versioning;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class StatusWriterTests
{
    [Test]
    public async Task WriteAsync_NewStateDirectory_Folder0700AndFile0600()
    {
        var root = Directory.CreateTempSubdirectory("hakube-status-").FullName;
        try
        {
            var writer = new StatusWriter(Path.Combine(root, "state"));
            await writer.WriteAsync(new StatusDocument { Cluster = "alpha", Status = new HaClusterStatus { Phase = ClusterPhase.Ready } }, CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(File.GetUnixFileMode(writer.Directory), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
                Assert.That(File.GetUnixFileMode(writer.PathOf("alpha")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(Directory.GetFiles(writer.Directory), Has.Length.EqualTo(1), "no temporary file left behind");
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task ReadAsync_AfterWrite_SameStatusBack()
    {
        var root = Directory.CreateTempSubdirectory("hakube-status-").FullName;
        try
        {
            var writer = new StatusWriter(root);
            var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            var status = new HaClusterStatus
            {
                ObservedGeneration = 3,
                Phase = ClusterPhase.Degraded,
                Conditions = [Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.False, ConditionReasons.HostsUnreachable, "w1: down", now, 3)],
                Hosts = [new HostStatus { Name = "w1", Reachable = false, Error = "down" }],
                Plan = [new PlanStepStatus { Action = "JoinWorker", Hosts = ["w2"], Reason = "not joined" }],
            };
            await writer.WriteAsync(new StatusDocument { Cluster = "alpha", SpecHash = "abc", Status = status }, CancellationToken.None);

            var read = await writer.ReadAsync("alpha", CancellationToken.None);

            Assert.Multiple(() =>
            {
                Assert.That(read?.SpecHash, Is.EqualTo("abc"));
                Assert.That(read?.Status.Phase, Is.EqualTo(ClusterPhase.Degraded));
                Assert.That(read?.Status.Conditions.Single(), Is.EqualTo(status.Conditions[0]));
                Assert.That(read?.Status.Plan.Single().Hosts, Is.EqualTo(new[] { "w2" }));
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
