using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// External etcd: control planes follow spec.etcd.hosts (EtcdServersPhase), and a member the API
/// servers still depend on, or one whose replacement has not joined, is not removed (MembershipPhase).
/// </summary>
public sealed class EtcdServersPhaseTests
{
    private const string Gone = "https://10.0.0.99:2379";

    private static readonly string[] ControlPlanes = ["cp1", "cp2", "cp3"];

    private static (HaCluster Cluster, Dictionary<string, HostFacts> Facts) Converged(EtcdTopology topology = EtcdTopology.External, int etcdHosts = 3)
    {
        var cluster = Clusters.Spec(topology, etcdHosts: etcdHosts);
        return (cluster, Clusters.ConvergedFacts(cluster));
    }

    private static void PointAt(Dictionary<string, HostFacts> facts, params string[] servers)
    {
        foreach (var cp in ControlPlanes)
        {
            facts[cp] = facts[cp] with { ApiServerEtcdServers = servers };
        }
    }

    private static HaCluster Without(HaCluster cluster, string host, HostSpec? replacement = null)
    {
        var spec = cluster.Spec;
        var hosts = spec.Hosts.Where(h => h.Name != host).ToList();
        var etcd = spec.Etcd.Hosts.Where(h => h != host).ToList();
        if (replacement is not null)
        {
            hosts.Add(replacement);
            etcd.Add(replacement.Name);
        }

        return cluster with { Spec = spec with { Hosts = hosts, Etcd = spec.Etcd with { Hosts = etcd } } };
    }

    [Test]
    public void Plan_ControlPlanesNameAGoneMember_OneStepUpdatesEveryControlPlane()
    {
        var (cluster, facts) = Converged();
        var want = cluster.Spec.EtcdClientUrls();
        PointAt(facts, want[0], want[1], Gone);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(s => (s.Kind, string.Join(",", s.Hosts))), Is.EqualTo(new[] { (StepKind.UpdateEtcdServers, "cp1,cp2,cp3") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[0].ChangesEtcdMembership, Is.False);
            Assert.That(plan.Steps[0].Reason, Does.Contain(string.Join(", ", want)).And.Contain("one at a time"));
            Assert.That(plan.Refusals, Is.Empty);
        });
    }

    [Test]
    public void Plan_SameEndpointsInAnotherOrder_NothingToDo()
    {
        var (cluster, facts) = Converged();
        PointAt(facts, [.. cluster.Spec.EtcdClientUrls().Reverse()]);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps, Is.Empty);
    }

    [Test]
    public void Plan_Stacked_ApiServersKeepTheirLocalMember()
    {
        var (cluster, facts) = Converged(EtcdTopology.Stacked);
        PointAt(facts, "https://127.0.0.1:2379");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps, Is.Empty);
    }

    [Test]
    public void Plan_ASpecMemberIsDown_ItKeepsItsPlaceAndTheControlPlanesAreUpdated()
    {
        var (cluster, facts) = Converged();
        var want = cluster.Spec.EtcdClientUrls();
        PointAt(facts, want[0], want[1], Gone);
        facts["etcd3"] = HostFacts.Unreachable("etcd3", ProbeErrorKind.Unreachable, "connection refused", default);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Single(s => s.Kind == StepKind.UpdateEtcdServers).Hosts, Is.EqualTo(ControlPlanes));
    }

    [Test]
    public void Plan_ASpecHostJoinsInThisPlan_ControlPlanesWaitForIt()
    {
        var (big, facts) = Converged();
        var etcd4 = new HostSpec { Name = "etcd4", Address = "10.0.0.50", Roles = [HostRole.Etcd] };
        var cluster = Without(big, "etcd3", etcd4);
        facts["etcd4"] = Clusters.Fresh("etcd4");
        facts.Remove("etcd3");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.UpdateEtcdServers));
            Assert.That(plan.Deferred.Where(d => d.Kind == StepKind.UpdateEtcdServers).Select(d => d.Host), Is.EqualTo(ControlPlanes));
            Assert.That(plan.Deferred.First(d => d.Kind == StepKind.UpdateEtcdServers).Reason, Does.Contain("etcd4 must join the etcd cluster first"));
        });
    }

    [Test]
    public void Plan_ASpecHostCannotJoin_RefusedNamingIt()
    {
        var (big, facts) = Converged();
        var etcd4 = new HostSpec { Name = "etcd4", Address = "10.0.0.50", Roles = [HostRole.Etcd] };
        var cluster = Without(big, "etcd3", etcd4);
        facts["etcd4"] = HostFacts.Unreachable("etcd4", ProbeErrorKind.Unreachable, "connection refused", default);
        facts.Remove("etcd3");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        var refused = plan.Refusals.Where(r => r.Step == StepKind.UpdateEtcdServers).ToList();
        Assert.That(refused.Select(r => r.Cause), Is.EqualTo(Enumerable.Repeat(RefusalCause.Blocked, 3)));
        Assert.That(refused.Select(r => r.Detail), Has.All.Contain("etcd4"));
    }

    [Test]
    public void Plan_KubeletStoppedOnOneControlPlane_ThatOneIsRefusedTheOthersUpdated()
    {
        var (cluster, facts) = Converged();
        var want = cluster.Spec.EtcdClientUrls();
        PointAt(facts, want[0], Gone);
        facts["cp2"] = facts["cp2"] with { Services = facts["cp2"].Services.With("kubelet", ServiceState.Failed) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Single(s => s.Kind == StepKind.UpdateEtcdServers).Hosts, Is.EqualTo(new[] { "cp1", "cp3" }));
            Assert.That(plan.Refusals.Single(r => r.Host == "cp2").What(), Is.EqualTo(Refused.On("cp2", StepKind.UpdateEtcdServers, RefusalCause.Degraded)));
        });
    }

    [Test]
    public void Plan_HealthyMemberLeavesForANewHost_ItStaysUntilItsReplacementHasJoined()
    {
        var (big, facts) = Converged();
        var etcd4 = new HostSpec { Name = "etcd4", Address = "10.0.0.50", Roles = [HostRole.Etcd] };
        var cluster = Without(big, "etcd3", etcd4);
        facts["etcd4"] = Clusters.Fresh("etcd4");
        var departing = big.Spec.Hosts.Where(h => h.Name == "etcd3").ToList();

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveEtcdMember));
            Assert.That(plan.Deferred.Single(d => d.Kind == StepKind.RemoveEtcdMember).Reason, Does.Contain("etcd4 join(s) the cluster first"));
        });
    }

    [Test]
    public void Plan_DepartingMemberIsTheOnlyOneTheApiServersNameAndTheyCannotMoveYet_RefusedSayingWhy()
    {
        var (big, facts) = Converged(etcdHosts: 4);
        var etcd5 = new HostSpec { Name = "etcd5", Address = "10.0.0.51", Roles = [HostRole.Etcd] };
        var cluster = Without(big, "etcd3", etcd5);
        facts["etcd5"] = HostFacts.Unreachable("etcd5", ProbeErrorKind.Unreachable, "connection refused", default);
        PointAt(facts, HaClusterExtensions.EtcdClientUrl(big.Spec.Hosts.Single(h => h.Name == "etcd3")));
        var departing = big.Spec.Hosts.Where(h => h.Name == "etcd3").ToList();

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveEtcdMember).And.Not.Contain(StepKind.UpdateEtcdServers));
            Assert.That(plan.Refusals.Single(r => r.Host == "etcd3").What(), Is.EqualTo(Refused.On("etcd3", StepKind.RemoveEtcdMember, RefusalCause.WouldBreakCluster)));
            Assert.That(plan.Refusals.Single(r => r.Host == "etcd3").Detail, Does.Contain("kube-apiserver on cp1, cp2, cp3"));
        });
    }

    [Test]
    public void Plan_DepartingMemberTheApiServersStillName_TheyMoveToTheSpecHostsFirst()
    {
        var (big, facts) = Converged(etcdHosts: 4);
        var cluster = Without(big, "etcd3");
        var departing = big.Spec.Hosts.Where(h => h.Name == "etcd3").ToList();

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => (s.Kind, string.Join(",", s.Hosts))), Is.EqualTo(new[] { (StepKind.UpdateEtcdServers, "cp1,cp2,cp3") }));
            Assert.That(plan.Deferred.Single(d => d.Kind == StepKind.RemoveEtcdMember).Reason, Does.Contain("--etcd-servers").And.Contain(nameof(StepKind.UpdateEtcdServers)));
        });
    }

    [Test]
    public void Plan_DepartingMemberNoApiServerNames_RemovedAtOnce()
    {
        var (big, facts) = Converged(etcdHosts: 4);
        var cluster = Without(big, "etcd3");
        PointAt(facts, [.. cluster.Spec.EtcdClientUrls()]);
        var departing = big.Spec.Hosts.Where(h => h.Name == "etcd3").ToList();

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.That(plan.Steps.Select(s => s.Kind), Is.EqualTo(new[] { StepKind.RemoveEtcdMember }));
    }
}
