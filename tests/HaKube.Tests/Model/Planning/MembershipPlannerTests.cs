using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>The planner's rules for hosts leaving the cluster (MembershipPhase), by example.</summary>
public sealed class MembershipPlannerTests
{
    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    /// <summary>A converged cluster of the larger spec whose spec then shrank (5 to 3 control planes or etcd hosts, one worker fewer).</summary>
    private static (HaCluster Cluster, Dictionary<string, HostFacts> Facts, IReadOnlyList<HostSpec> Departing) Shrunk(EtcdTopology topology = EtcdTopology.Stacked, int workers = 2)
    {
        var big = Clusters.Spec(topology, controlPlanes: topology == EtcdTopology.Stacked ? 5 : 3, workers: workers, etcdHosts: 5);
        var facts = Clusters.ConvergedFacts(big);
        var (smaller, departing) = Clusters.Shrink(big);
        return (smaller, facts, departing);
    }

    private static HostFacts Down(string host) => HostFacts.Unreachable(host, ProbeErrorKind.Unreachable, "connection refused", default);

    [Test]
    public void Plan_StackedFiveToThree_ReconfiguresTheLoadBalancerThenRemovesOneControlPlaneBehindTheGuard()
    {
        var (cluster, facts, departing) = Shrunk(workers: 0);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureLoadBalancer, "lb1"), (StepKind.RemoveControlPlane, "cp4") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[1].ChangesEtcdMembership, Is.True);
            Assert.That(plan.Steps[1].Reason, Does.Contain("4 of 4 voting members").And.Contain("kubeadm reset -f on cp4"));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.RemoveControlPlane, "cp5") }));
            Assert.That(plan.Refusals, Is.Empty);
        });
    }

    [Test]
    public void Plan_DepartingWorker_IsDrainedResetAndItsNodeDeletedThroughTheFirstControlPlane()
    {
        var (cluster, facts, departing) = Shrunk();
        var workerOnly = departing.Where(h => h.Name == "w2").ToList();

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, workerOnly);

        Assert.That(plan.Steps.Select(Row), Does.Contain((StepKind.RemoveWorker, "w2")));
        var step = plan.Steps.Single(s => s.Kind == StepKind.RemoveWorker);
        Assert.Multiple(() =>
        {
            Assert.That(step.ChangesEtcdMembership, Is.False);
            Assert.That(step.Reason, Is.EqualTo("w2 left the spec: cordoned and drained (at most 2m, spec.drainTimeout; the removal goes on after it) through cp1; kubeadm reset -f on w2; their Nodes are deleted"));
        });
    }

    [Test]
    public void Plan_DrainTimeoutInSpec_IsInTheReasonOfEveryRemovalThatDrains()
    {
        var (cluster, facts, departing) = Shrunk();
        cluster = cluster with { Spec = cluster.Spec with { DrainTimeout = "15m" } };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.That(plan.Steps.Where(s => s.Kind is StepKind.RemoveWorker or StepKind.RemoveControlPlane).Select(s => s.Reason).ToList(), Has.Count.EqualTo(2).And.All.Contain("drained (at most 15m, spec.drainTimeout; the removal goes on after it)"));
    }

    [Test]
    public void Plan_DepartingWorkerUnreachable_IsStillRemovedAndTheReasonSaysResetIsSkipped()
    {
        var (cluster, facts, departing) = Shrunk();
        facts["w2"] = Down("w2");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing.Where(h => h.Name == "w2").ToList());

        var removal = plan.Steps.Single(s => s.Kind == StepKind.RemoveWorker);
        Assert.Multiple(() =>
        {
            Assert.That(removal.Hosts, Is.EqualTo(new[] { "w2" }));

            // Wording: the reason is what tells a person the machine itself was left as it is.
            Assert.That(removal.Reason, Does.Contain("w2 is unreachable (connection refused): kubeadm reset is skipped there"));
        });
    }

    [Test]
    public void Plan_DepartingControlPlaneDead_ItsUnhealthyMemberIsRemovedFirst()
    {
        var (cluster, facts, departing) = Shrunk(workers: 0);
        facts["cp5"] = Down("cp5");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        var removal = plan.Steps.Single(s => s.Kind == StepKind.RemoveControlPlane);
        Assert.Multiple(() =>
        {
            // cp4 comes first in the inventory; with cp5 dead, removing healthy cp4 leaves 3 of 4 healthy (majority 3).
            Assert.That(removal.Hosts, Is.EqualTo(new[] { "cp4" }));
            Assert.That(removal.Reason, Does.Contain("3 of 4 voting members"));
        });

        // Once cp4 is removed (its member gone, the host forgotten), dead cp5's member goes next.
        var cp4 = Clusters.Member(departing.Single(h => h.Name == "cp4")).Id;
        foreach (var host in facts.Keys.ToList().Where(h => facts[h].Etcd is not null))
        {
            facts[host] = facts[host] with { Etcd = facts[host].Etcd! with { Members = facts[host].Etcd!.Members.Where(m => m.Id != cp4).ToList() } };
        }

        var withoutCp4 = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing.Where(h => h.Name == "cp5").ToList());
        var dead = withoutCp4.Steps.Single(s => s.Kind == StepKind.RemoveControlPlane);
        Assert.Multiple(() =>
        {
            Assert.That(dead.Hosts, Is.EqualTo(new[] { "cp5" }));
            Assert.That(dead.Reason, Does.Contain("(an unhealthy voter)").And.Contain("cp5 is unreachable (connection refused): kubeadm reset is skipped there"));
        });
    }

    [Test]
    public void Plan_RemovingAHealthyVoterWouldLoseTheMajority_IsRefusedWithTheGuardsReason()
    {
        var (cluster, facts, departing) = Shrunk(workers: 0);
        facts["cp2"] = Down("cp2");
        facts["cp3"] = Down("cp3");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Any(s => s.Kind == StepKind.RemoveControlPlane), Is.False);
            Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("cp4", StepKind.RemoveControlPlane, RefusalCause.QuorumGuard)));
            Assert.That(plan.Refusals.Single(r => r.Host == "cp4").Detail, Does.Contain("2 of 4 voting members").And.Contain("majority of 3"));
        });
    }

    [Test]
    public void Plan_LoadBalancerCannotBeReconfigured_ControlPlaneRemovalWaits()
    {
        var (cluster, facts, departing) = Shrunk(workers: 0);
        var desired = Clusters.Desired(cluster);
        var withoutLb = new DesiredState(desired.Files.Where(f => f.Key != "lb1").ToDictionary(f => f.Key, f => f.Value));

        var plan = Planner.Plan(cluster, facts, withoutLb, null, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Any(s => s.Kind == StepKind.RemoveControlPlane), Is.False);
            Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("cp4", StepKind.RemoveControlPlane, RefusalCause.Blocked)));
        });
    }

    [Test]
    public void Plan_StaleMemberInTheMembership_IsRemovedByIdAndAJoinWaits()
    {
        var cluster = Clusters.Spec(workers: 0);
        var facts = Clusters.ConvergedFacts(cluster);
        var ghost = new EtcdMember(0x9999, "old-cp", ["https://10.9.9.9:2380"], ["https://10.9.9.9:2379"], false);
        foreach (var cp in new[] { "cp1", "cp2" })
        {
            facts[cp] = facts[cp] with { Etcd = facts[cp].Etcd! with { Members = [.. facts[cp].Etcd!.Members.Where(m => m.Name != "cp3"), ghost] } };
        }

        facts["cp3"] = Clusters.Fresh("cp3");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        var stale = plan.Steps.Single(s => s.Kind == StepKind.RemoveStaleEtcdMember);
        Assert.Multiple(() =>
        {
            Assert.That(stale.Hosts, Is.EqualTo(new[] { "cp1" }));
            Assert.That(stale.EtcdMemberId, Is.EqualTo(0x9999UL));
            Assert.That(stale.ChangesEtcdMembership, Is.True);
            Assert.That(stale.Reason, Does.Contain("old-cp (9999)").And.Contain("(an unhealthy voter) leaves 2 of 2"));
            Assert.That(plan.Steps.Any(s => s.Kind == StepKind.JoinControlPlane), Is.False);
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Does.Contain((StepKind.JoinControlPlane, "cp3")));
        });
    }

    [Test]
    public void Plan_ControlPlaneReplacedAtANewAddress_TheOldMemberIsStaleAndRemovedBeforeTheJoin()
    {
        var cluster = Clusters.Spec(workers: 0);
        var facts = Clusters.ConvergedFacts(cluster);
        var moved = cluster with { Spec = cluster.Spec with { Hosts = cluster.Spec.Hosts.Select(h => h.Name == "cp3" ? h with { Address = "10.0.0.77" } : h).ToList() } };
        facts["cp3"] = Clusters.Fresh("cp3");
        facts["cp3"] = facts["cp3"] with { Prerequisites = new NodePrerequisites(false, true, true, true), Versions = new KubeVersions(Clusters.Version, Clusters.Version, Clusters.Version), Services = facts["cp3"].Services.With("containerd", ServiceState.Active) };

        var plan = Planner.Plan(moved, facts, Clusters.Desired(moved));

        var stale = plan.Steps.Single(s => s.Kind == StepKind.RemoveStaleEtcdMember);
        Assert.Multiple(() =>
        {
            Assert.That(stale.EtcdMemberId, Is.EqualTo(Clusters.Member(cluster.Spec, "cp3").Id));
            Assert.That(stale.Reason, Does.Contain("https://10.0.0.12:2380"));
            Assert.That(plan.Refusals, Is.Empty);
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Does.Contain((StepKind.JoinControlPlane, "cp3")));
        });
    }

    [Test]
    public void Plan_ExternalFiveToThree_RemovesOneMemberHostPerPlan()
    {
        var (cluster, facts, departing) = Shrunk(EtcdTopology.External, workers: 0);
        foreach (var cp in cluster.Spec.ControlPlanes())
        {
            // The API servers already follow the smaller spec (UpdateEtcdServers ran).
            facts[cp.Name] = facts[cp.Name] with { ApiServerEtcdServers = Clusters.EtcdServers(cluster.Spec) };
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RemoveEtcdMember, "etcd4") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[0].ChangesEtcdMembership, Is.True);
            Assert.That(plan.Steps[0].Reason, Does.Contain("through etcd1"));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.RemoveEtcdMember, "etcd5") }));
        });
    }

    [Test]
    public void Plan_ExternalDepartingHostNoLongerAMember_StopsItsEtcdWithoutAMembershipChange()
    {
        var (cluster, facts, departing) = Shrunk(EtcdTopology.External, workers: 0);
        var etcd4 = Clusters.Member(departing.Single(h => h.Name == "etcd4")).Id;
        foreach (var host in facts.Keys.ToList().Where(h => facts[h].Etcd is not null))
        {
            facts[host] = facts[host] with { Etcd = facts[host].Etcd! with { Members = facts[host].Etcd!.Members.Where(m => m.Id != etcd4).ToList() } };
        }

        foreach (var cp in cluster.Spec.ControlPlanes())
        {
            facts[cp.Name] = facts[cp.Name] with { ApiServerEtcdServers = Clusters.EtcdServers(cluster.Spec) };
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        var step = plan.Steps.Single(s => s.Hosts.SequenceEqual(["etcd4"]));
        Assert.Multiple(() =>
        {
            Assert.That(step.Kind, Is.EqualTo(StepKind.RemoveEtcdMember));
            Assert.That(step.ChangesEtcdMembership, Is.False);
            Assert.That(step.Reason, Does.Contain("no longer an etcd member: etcd is stopped and its data moved aside"));
            Assert.That(plan.Steps.Count(s => s.ChangesEtcdMembership), Is.EqualTo(1));
        });
    }

    [Test]
    public void Plan_EveryControlPlaneReplacedWhileADepartingOneIsInitialized_InitIsRefused()
    {
        var (cluster, facts, departing) = Shrunk(workers: 0);
        foreach (var cp in cluster.Spec.ControlPlanes())
        {
            facts[cp.Name] = Clusters.Fresh(cp.Name);
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Any(s => s.Kind == StepKind.InitControlPlane), Is.False);
            Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("cp1", StepKind.InitControlPlane, RefusalCause.WouldBreakCluster)));
        });
    }

    [Test]
    public void Plan_DeadControlPlaneRemovedAndAnotherAdded_RemovesTheDeadMemberFirstThenTheNewOneJoins()
    {
        var before = Clusters.Spec(workers: 0);
        var facts = Clusters.ConvergedFacts(before);
        facts["cp3"] = Down("cp3");
        var cp3 = before.Spec.Hosts.Single(h => h.Name == "cp3");
        var cp4 = new HostSpec { Name = "cp4", Address = "10.0.0.44", Roles = [HostRole.ControlPlane] };
        var after = before with { Spec = before.Spec with { Hosts = [.. before.Spec.Hosts.Where(h => h.Name != "cp3"), cp4] } };
        facts["cp4"] = Clusters.PreparedNode("cp4", after.Spec, Clusters.Version);

        var plan = Planner.Plan(after, facts, Clusters.Desired(after), null, [cp3]);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(Row), Does.Contain((StepKind.RemoveControlPlane, "cp3")));
            Assert.That(plan.Steps.Single(s => s.Kind == StepKind.RemoveControlPlane).Reason, Does.Contain("(an unhealthy voter) leaves 2 of 2"));
            Assert.That(plan.Steps.Any(s => s.Kind == StepKind.JoinControlPlane), Is.False);
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Does.Contain((StepKind.JoinControlPlane, "cp4")));
        });

        // Once cp3 is removed (its member gone, forgotten), cp4 joins behind the guard.
        var cp3Member = Clusters.Member(before.Spec, "cp3").Id;
        foreach (var host in new[] { "cp1", "cp2" })
        {
            facts[host] = facts[host] with { Etcd = facts[host].Etcd! with { Members = facts[host].Etcd!.Members.Where(m => m.Id != cp3Member).ToList() } };
        }

        var desired = Clusters.Desired(after);
        foreach (var file in desired.FilesOf("cp4"))
        {
            facts["cp4"] = facts["cp4"] with { Files = facts["cp4"].Files.With(file.Path, Clusters.Present(file.Sha256, file.Mode)) };
        }

        facts["lb1"] = facts["lb1"] with { Files = facts["lb1"].Files.With(KnownPaths.HaproxyConfig, Clusters.Present(desired.FilesOf("lb1")[0].Sha256, "644")) };
        var next = Planner.Plan(after, facts, desired, null, []);

        Assert.That(next.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PullImages, "cp4"), (StepKind.JoinControlPlane, "cp4") }));
        Assert.That(next.Steps[1].Reason, Does.Contain("2 of 2 voting etcd members healthy; 3 of 3 once the new member starts"));
    }
}
