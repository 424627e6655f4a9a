using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Reconciler.Snapshots;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Reconciler.Snapshots;

[TestFixture]
public sealed class SnapshotSourceTests
{
    [Test]
    public void Pick_ConvergedStacked_AHealthyControlPlane()
    {
        var cluster = Clusters.Spec();

        var (host, _) = SnapshotSource.Pick(cluster.Spec, Clusters.ConvergedFacts(cluster).Values.ToList());

        Assert.That(host?.Name, Is.EqualTo("cp1"));
    }

    [Test]
    public void Pick_ExternalEtcd_AnEtcdHostNotAControlPlane()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);

        var (host, _) = SnapshotSource.Pick(cluster.Spec, Clusters.ConvergedFacts(cluster).Values.ToList());

        Assert.That(host?.Name, Is.EqualTo("etcd1"));
    }

    [Test]
    public void Pick_FirstMemberUnreachable_TheNextHealthyOne()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp1"] = HostFacts.Unreachable("cp1", ProbeErrorKind.Unreachable, "down", DateTimeOffset.UnixEpoch);

        var (host, _) = SnapshotSource.Pick(cluster.Spec, facts.Values.ToList());

        Assert.That(host?.Name, Is.EqualTo("cp2"));
    }

    [Test]
    public void Pick_TwoOfThreeMembersUnhealthy_NoneBecauseThereIsNoQuorum()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var name in new[] { "cp1", "cp2" })
        {
            facts[name] = facts[name] with { Etcd = facts[name].Etcd! with { Healthy = false } };
        }

        var (host, reason) = SnapshotSource.Pick(cluster.Spec, facts.Values.ToList());

        Assert.That(host, Is.Null);
        Assert.That(reason, Does.Contain("no healthy quorum").And.Contain("1 of 3"));
    }

    [Test]
    public void Pick_NoCurlOnAnyMemberHost_NoneAndSaysSo()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var name in new[] { "cp1", "cp2", "cp3" })
        {
            facts[name] = facts[name] with { Etcd = null, Programs = new HashSet<string> { "kubelet", "kubeadm" } };
        }

        var (host, reason) = SnapshotSource.Pick(cluster.Spec, facts.Values.ToList());

        Assert.That(host, Is.Null);
        Assert.That(reason, Does.Contain("etcd runs on cp1, cp2, cp3 but curl is not installed there"));
    }

    [Test]
    public void Pick_HealthyMemberWithoutCrictl_PicksOneThatHasIt()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp1"] = facts["cp1"] with { Programs = new HashSet<string>(facts["cp1"].Programs.Where(p => p != "crictl")) };

        var (host, _) = SnapshotSource.Pick(cluster.Spec, facts.Values.ToList());

        Assert.That(host?.Name, Is.EqualTo("cp2"));
    }

    [Test]
    public void Pick_NoEtcdYet_NoneWithTheReason()
    {
        var cluster = Clusters.Spec();

        var (host, reason) = SnapshotSource.Pick(cluster.Spec, Clusters.FreshFacts(cluster).Values.ToList());

        Assert.That(host, Is.Null);
        Assert.That(reason, Does.Contain("no etcd member answered"));
    }
}
