using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// The planner's rule for previous machines (MembershipPhase): a host replaced at a new address
/// while the old machine still runs there. The old machine is reset, never its Node or an etcd
/// member by name, and never the machine at a spec address.
/// </summary>
public sealed class PreviousMachinePlannerTests
{
    private const string OldAddress = "10.0.0.12";
    private const string NewAddress = "10.0.0.77";
    private static readonly string Old = new PreviousMachine("cp3", OldAddress).Key;

    /// <summary>
    /// A converged cluster (3 control planes, a worker) whose cp3 is now at a new, fresh machine;
    /// the old cp3 still runs at its old address with its etcd member (listed by cp1 and cp2 too).
    /// </summary>
    private static (HaCluster Cluster, Dictionary<string, HostFacts> Facts, IReadOnlyList<PreviousMachine> Previous) Replaced(EtcdTopology topology = EtcdTopology.Stacked)
    {
        var cluster = Clusters.Spec(topology, workers: 1);
        var facts = Clusters.ConvergedFacts(cluster);
        var name = topology == EtcdTopology.Stacked ? "cp3" : "etcd3";
        var old = cluster.Spec.Hosts.Single(h => h.Name == name);
        var moved = cluster with { Spec = cluster.Spec with { Hosts = cluster.Spec.Hosts.Select(h => h.Name == name ? h with { Address = NewAddress } : h).ToList() } };
        var machine = new PreviousMachine(name, old.Address);
        facts[machine.Key] = facts[name] with { Host = machine.Key };
        facts[name] = Clusters.Fresh(name);
        return (moved, facts, [machine]);
    }

    /// <summary>The old member removed (as the stale rule does): gone from every list, the old machine's etcd exited.</summary>
    private static void OldMemberRemoved(Dictionary<string, HostFacts> facts, string key)
    {
        foreach (var host in facts.Keys.ToList().Where(h => facts[h].Etcd is not null))
        {
            facts[host] = facts[host] with { Etcd = facts[host].Etcd! with { Members = facts[host].Etcd!.Members.Where(m => !m.PeerUrls.Contains($"https://{OldAddress}:2380")).ToList() } };
        }

        facts[key] = facts[key] with { Etcd = null, ListeningPorts = new HashSet<int> { 6443 } };
    }

    [Test]
    public void Plan_PreviousMachineStillHoldsItsMember_StaleMemberRemovedFirstAndTheResetWaits()
    {
        var (cluster, facts, previous) = Replaced();

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: previous);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Single(s => s.Kind == StepKind.RemoveStaleEtcdMember).EtcdMemberId, Is.EqualTo(0x1002UL));
            Assert.That(plan.Steps.Select(s => s.Kind), Has.None.AnyOf(StepKind.ResetPreviousMachine, StepKind.RemoveControlPlane, StepKind.RemoveWorker));
            Assert.That(plan.Steps.SelectMany(s => s.Hosts), Has.None.EqualTo(Old));
            Assert.That(plan.Deferred.Single(d => d.Host == Old).Reason, Does.Contain("cp3 (1002)"));
            Assert.That(plan.Refusals, Is.Empty);
        });
    }

    [Test]
    public void Plan_PreviousMachineWithoutItsMember_IsResetBeforeTheNewMachineJoinsAndItsNodeIsKept()
    {
        var (cluster, facts, previous) = Replaced();
        OldMemberRemoved(facts, Old);
        facts["cp3"] = Clusters.Fresh("cp3") with
        {
            Prerequisites = new NodePrerequisites(false, true, true, true),
            Versions = new KubeVersions(Clusters.Version, Clusters.Version, Clusters.Version),
            Services = Clusters.Fresh("cp3").Services.With("containerd", ServiceState.Active),
        };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: previous);

        var kinds = plan.Steps.Select(s => s.Kind).ToList();
        var reset = plan.Steps.Single(s => s.Kind == StepKind.ResetPreviousMachine);
        Assert.Multiple(() =>
        {
            Assert.That(reset.Hosts, Is.EqualTo(new[] { Old }));
            Assert.That(reset.ChangesEtcdMembership, Is.False);
            Assert.That(reset.Reason, Does.StartWith($"cp3 now lives at {NewAddress}; its previous machine at {OldAddress} still holds kubelet running")
                .And.Contain("kubeadm reset -f there").And.Contain("the Node cp3 is kept"));
            Assert.That(kinds.IndexOf(StepKind.ResetPreviousMachine), Is.LessThan(kinds.IndexOf(StepKind.JoinControlPlane)).And.GreaterThan(kinds.IndexOf(StepKind.ConfigureLoadBalancer)));
            Assert.That(kinds, Has.None.AnyOf(StepKind.RemoveControlPlane, StepKind.RemoveStaleEtcdMember, StepKind.RemoveWorker));
            Assert.That(plan.Steps.Where(s => s.Kind != StepKind.ResetPreviousMachine).SelectMany(s => s.Hosts), Has.None.EqualTo(Old));
        });
    }

    [Test]
    public void Plan_PreviousMachineUnreachable_IsOnlyForgottenEvenWhileItsMemberIsListed()
    {
        var (cluster, facts, previous) = Replaced();
        facts[Old] = HostFacts.Unreachable(Old, ProbeErrorKind.Unreachable, "connection refused", default);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: previous);

        var reset = plan.Steps.Single(s => s.Kind == StepKind.ResetPreviousMachine);
        Assert.Multiple(() =>
        {
            Assert.That(reset.Hosts, Is.EqualTo(new[] { Old }));

            // Wording: only the reason tells a person that nothing is done on the machine.
            Assert.That(reset.Reason, Does.Contain("is unreachable (Unreachable: connection refused): nothing is done on it, it is forgotten"));
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Contain(StepKind.RemoveStaleEtcdMember));
        });
    }

    [Test]
    public void Plan_PreviousMachineAtASpecAddress_IsRefusedNeverReset()
    {
        var (cluster, facts, _) = Replaced();
        var cp1 = cluster.Spec.Hosts.Single(h => h.Name == "cp1");
        var machine = new PreviousMachine("cp3", cp1.Address);
        var key = machine.Key;
        facts[key] = facts["cp1"] with { Host = key };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: [machine]);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.SelectMany(s => s.Hosts), Has.None.EqualTo(key));
            Assert.That(plan.Refusals.Single(r => r.Host == key).What(), Is.EqualTo(Refused.On(key, StepKind.ResetPreviousMachine, RefusalCause.WouldBreakCluster)));
        });
    }

    [Test]
    public void Plan_LoadBalancerCannotBeReconfigured_ResetIsRefused()
    {
        var (cluster, facts, previous) = Replaced();
        OldMemberRemoved(facts, Old);
        var desired = Clusters.Desired(cluster);
        var withoutLb = new DesiredState(desired.Files.Where(f => f.Key != "lb1").ToDictionary(f => f.Key, f => f.Value));

        var plan = Planner.Plan(cluster, facts, withoutLb, previous: previous);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Has.None.EqualTo(StepKind.ResetPreviousMachine));
            Assert.That(plan.Refusals.Single(r => r.Host == Old).What(), Is.EqualTo(Refused.On(Old, StepKind.ResetPreviousMachine, RefusalCause.Blocked)));
            Assert.That(plan.Refusals.Single(r => r.Host == Old).Detail, Does.Contain("lb1"));
        });
    }

    [Test]
    public void Plan_ExternalEtcdHostReplaced_OldMemberRemovedThenTheOldMachineStopped()
    {
        var (cluster, facts, previous) = Replaced(EtcdTopology.External);
        var key = previous[0].Key;

        var first = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: previous);
        foreach (var host in facts.Keys.ToList().Where(h => facts[h].Etcd is not null))
        {
            facts[host] = facts[host] with { Etcd = facts[host].Etcd! with { Members = facts[host].Etcd!.Members.Where(m => !m.PeerUrls.Any(u => u.Contains(previous[0].Address, StringComparison.Ordinal))).ToList() } };
        }

        facts[key] = facts[key] with { Etcd = null };
        var second = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: previous);

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(s => s.Kind), Does.Contain(StepKind.RemoveStaleEtcdMember).And.No.AnyOf(StepKind.ResetPreviousMachine, StepKind.RemoveEtcdMember));
            Assert.That(first.Deferred.Select(d => (d.Kind, d.Host)), Does.Contain((StepKind.ResetPreviousMachine, key)));
            Assert.That(second.Steps.Single(s => s.Kind == StepKind.ResetPreviousMachine).Hosts, Is.EqualTo(new[] { key }));
            Assert.That(second.Steps.Single(s => s.Kind == StepKind.ResetPreviousMachine).Reason, Does.Contain("kubelet running"));
            Assert.That(second.Steps.Select(s => s.Kind), Has.None.AnyOf(StepKind.RemoveEtcdMember, StepKind.RemoveStaleEtcdMember));
        });
    }

    [Test]
    public void Plan_PreviousMachineLeftWithNothing_IsCheckedAndForgotten()
    {
        var (cluster, facts, previous) = Replaced();
        OldMemberRemoved(facts, Old);
        facts[Old] = Clusters.Fresh(Old);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), previous: previous);

        var reset = plan.Steps.Single(s => s.Kind == StepKind.ResetPreviousMachine);
        Assert.Multiple(() =>
        {
            Assert.That(reset.Hosts, Is.EqualTo(new[] { Old }));

            // Wording: only the reason tells a person the machine was checked and found empty.
            Assert.That(reset.Reason, Does.Contain("holds nothing of the cluster any more: checked and forgotten"));
        });
    }
}
