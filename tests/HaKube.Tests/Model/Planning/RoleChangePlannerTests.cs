using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// A host that stays in the spec while its roles change (MembershipPhase with the roles the
/// inventory remembers): its old roles are removed behind the removal guards, then its new roles
/// are set up; changes not made in place are refused. By example, and run through the host model.
/// </summary>
public sealed class RoleChangePlannerTests
{
    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    private static Dictionary<string, IReadOnlyList<HostRole>> Was(string host, params HostRole[] roles) => new() { [host] = roles };

    /// <summary><paramref name="cluster"/> with <paramref name="host"/>'s roles replaced, and the load balancer and etcd lists following.</summary>
    private static HaCluster WithRoles(HaCluster cluster, string host, params HostRole[] roles)
    {
        var spec = cluster.Spec;
        return cluster with
        {
            Spec = spec with
            {
                Hosts = spec.Hosts.Select(h => h.Name == host ? h with { Roles = roles } : h).ToList(),
                LoadBalancer = spec.LoadBalancer with { Hosts = Follow(spec.LoadBalancer.Hosts, host, roles.Contains(HostRole.LoadBalancer)) },
                Etcd = spec.Etcd with { Hosts = Follow(spec.Etcd.Hosts, host, roles.Contains(HostRole.Etcd)) },
            },
        };
    }

    private static List<string> Follow(IReadOnlyList<string> list, string host, bool member) =>
        member ? [.. list.Where(h => h != host), host] : list.Where(h => h != host).ToList();

    /// <summary>Plans and applies through the host model until a plan has no steps; every plan checked by the oracle.</summary>
    private static (List<Plan> Plans, HostModel Model) Converge(HaCluster cluster, IReadOnlyDictionary<string, HostFacts> facts, IReadOnlyDictionary<string, IReadOnlyList<HostRole>> setUp)
    {
        var desired = Clusters.Desired(cluster);
        var model = new HostModel(cluster, desired, facts, null, setUp);
        var plans = new List<Plan>();
        for (var round = 0; round < 10; round++)
        {
            var plan = Planner.Plan(cluster, model.Facts, desired, null, [], model.SetUpRoles);
            plans.Add(plan);
            Assert.That(PlanOracle.QuorumViolations(cluster, model.Facts, plan, [], model.SetUpRoles), Is.Empty);
            Assert.That(PlanOracle.ScopeViolations(cluster, model.Facts, plan, [], model.SetUpRoles), Is.Empty);
            if (plan.Steps.Count == 0)
            {
                return (plans, model);
            }

            model.Apply(plan);
        }

        Assert.Fail("still steps after 10 rounds:\n" + string.Join("\n--\n", plans.Select(p => string.Join("\n", PlanFormatter.Lines(p)))));
        throw new InvalidOperationException("unreachable");
    }

    [Test]
    public void Plan_LoadBalancerBecomesWorkerWhileAnotherServes_HaproxyStopsThereThenItJoins()
    {
        var before = Clusters.Spec(workers: 1, loadBalancers: 2);
        var facts = Clusters.ConvergedFacts(before);
        var cluster = WithRoles(before, "lb1", HostRole.Worker);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, [], Was("lb1", HostRole.LoadBalancer));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PrepareHost, "lb1"), (StepKind.RemoveLoadBalancer, "lb1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[1].Reason, Is.EqualTo("lb1 stays in the spec as Worker and gives up its LoadBalancer role: HAProxy there is stopped and disabled and its HaKube-written haproxy.cfg moved aside; lb2 serves the endpoint api.demo.internal:6443"));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.JoinWorker, "lb1") }));
            Assert.That(plan.Deferred[0].Reason, Does.Contain("old role(s) LoadBalancer"));
            Assert.That(plan.Refusals, Is.Empty);
        });
    }

    [Test]
    public void Plan_LoadBalancerBecomesWorker_ConvergesWithTheRoleRetiredAndTheNodeJoined()
    {
        var before = Clusters.Spec(workers: 1, loadBalancers: 2);
        var cluster = WithRoles(before, "lb1", HostRole.Worker);

        var (plans, model) = Converge(cluster, Clusters.ConvergedFacts(before), Was("lb1", HostRole.LoadBalancer));

        Assert.Multiple(() =>
        {
            Assert.That(plans.Select(p => p.Steps.Select(Row).ToList()), Is.EqualTo(new[]
            {
                new[] { (StepKind.PrepareHost, "lb1"), (StepKind.RemoveLoadBalancer, "lb1") },
                new[] { (StepKind.PullImages, "lb1"), (StepKind.JoinWorker, "lb1") },
                [],
            }));
            Assert.That(plans[^1].IsConverged, Is.True);
            Assert.That(model.SetUpRoles, Is.Empty);
            Assert.That(model.Facts["lb1"].Services["haproxy"], Is.EqualTo(ServiceState.Inactive));
        });
    }

    [Test]
    public void Plan_OnlyLoadBalancerBecomesWorker_IsRefusedAndTheJoinWaits()
    {
        // lb1 becomes a worker while lb2 (the only load balancer left) is down: nobody would serve the endpoint.
        var before = Clusters.Spec(workers: 1, loadBalancers: 2);
        var facts = Clusters.ConvergedFacts(before);
        facts["lb2"] = HostFacts.Unreachable("lb2", ProbeErrorKind.Unreachable, "connection refused", default);
        var cluster = WithRoles(before, "lb1", HostRole.Worker);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, [], Was("lb1", HostRole.LoadBalancer));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveLoadBalancer).And.Not.Contain(StepKind.JoinWorker));
            Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("lb1", StepKind.RemoveLoadBalancer, RefusalCause.WouldBreakCluster))
                .And.Contain(Refused.On("lb1", StepKind.JoinWorker, RefusalCause.Blocked)));
        });
    }

    [Test]
    public void Plan_WorkerAndLoadBalancerSwapRolesWhileTheOnlyControlPlaneIsRebuilt_HaproxyStartsBesideTheRetiringWorkerSoInitCanRun()
    {
        // Found by the property test: the worker's cleanup needs a control plane to drain through,
        // the first control plane's init needs the endpoint, and the endpoint's only load balancer
        // was the worker. HAProxy waits only for a retiring control plane (kube-apiserver holds the
        // endpoint's port), so it starts beside the retiring worker and the cycle is broken.
        var before = Clusters.Spec(controlPlanes: 1, workers: 1);
        var cluster = WithRoles(WithRoles(before, "w1", HostRole.LoadBalancer), "lb1", HostRole.Worker);
        var facts = Clusters.ConvergedFacts(before);
        facts["cp1"] = Clusters.Fresh("cp1");
        facts["lb1"] = facts["lb1"] with { Services = facts["lb1"].Services.With("haproxy", ServiceState.Inactive) };
        var setUp = new Dictionary<string, IReadOnlyList<HostRole>> { ["w1"] = [HostRole.Worker], ["lb1"] = [HostRole.LoadBalancer] };

        var first = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, [], setUp);
        var (plans, model) = Converge(cluster, facts, setUp);

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(Row), Does.Contain((StepKind.ConfigureLoadBalancer, "w1")).And.Contain((StepKind.InitControlPlane, "cp1")));
            Assert.That(first.Refusals.Select(r => r.What()), Does.Contain(Refused.On("w1", StepKind.RemoveWorker, RefusalCause.Degraded)));
            Assert.That(plans.SelectMany(p => p.Steps).Select(Row), Does.Contain((StepKind.RemoveWorker, "w1")).And.Contain((StepKind.JoinWorker, "lb1")));
            Assert.That(plans[^1].IsConverged, Is.True, string.Join("\n", PlanFormatter.Lines(plans[^1])));
            Assert.That(model.SetUpRoles, Is.Empty);
        });
    }

    [Test]
    public void Plan_WorkersBecomeControlPlanes_AreResetThenJoinOneAtATime()
    {
        // Three stacked control planes grow to five with the two workers.
        var before = Clusters.Spec(workers: 2);
        var cluster = WithRoles(WithRoles(before, "w1", HostRole.ControlPlane), "w2", HostRole.ControlPlane);
        var setUp = new Dictionary<string, IReadOnlyList<HostRole>> { ["w1"] = [HostRole.Worker], ["w2"] = [HostRole.Worker] };

        var first = Planner.Plan(cluster, Clusters.ConvergedFacts(before), Clusters.Desired(cluster), null, [], setUp);
        var (plans, model) = Converge(cluster, Clusters.ConvergedFacts(before), setUp);

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureLoadBalancer, "lb1"), (StepKind.RemoveWorker, "w1,w2") }));
            Assert.That(first.Steps[1].Reason, Does.StartWith("w1 stays in the spec as ControlPlane and gives up its Worker role; w2 stays in the spec as ControlPlane and gives up its Worker role: cordoned and drained"));
            Assert.That(first.Deferred.Select(d => (d.Kind, d.Host)), Is.EquivalentTo(new[]
            {
                (StepKind.DistributeCertificateAuthorities, "w1"), (StepKind.DistributeCertificateAuthorities, "w2"),
                (StepKind.JoinControlPlane, "w1"), (StepKind.JoinControlPlane, "w2"),
            }));
            Assert.That(plans.SelectMany(p => p.Steps).Where(s => s.Kind == StepKind.JoinControlPlane).Select(Row), Is.EqualTo(new[] { (StepKind.JoinControlPlane, "w1"), (StepKind.JoinControlPlane, "w2") }));
            Assert.That(plans[^1].IsConverged, Is.True, string.Join("\n", PlanFormatter.Lines(plans[^1])));
            Assert.That(model.Facts["w2"].Etcd?.Members.Count, Is.EqualTo(5));
        });
    }

    [Test]
    public void Plan_StackedControlPlanesBecomeWorkers_EtcdMemberRemovedBehindTheGuardThenTheyJoinAsWorkers()
    {
        var before = Clusters.Spec(controlPlanes: 5, workers: 0);
        var cluster = WithRoles(WithRoles(before, "cp4", HostRole.Worker), "cp5", HostRole.Worker);
        var setUp = new Dictionary<string, IReadOnlyList<HostRole>> { ["cp4"] = [HostRole.ControlPlane], ["cp5"] = [HostRole.ControlPlane] };

        var first = Planner.Plan(cluster, Clusters.ConvergedFacts(before), Clusters.Desired(cluster), null, [], setUp);
        var (plans, model) = Converge(cluster, Clusters.ConvergedFacts(before), setUp);

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureLoadBalancer, "lb1"), (StepKind.RemoveControlPlane, "cp4") }));
            Assert.That(first.Steps[1].ChangesEtcdMembership, Is.True);
            Assert.That(first.Steps[1].Reason, Does.StartWith("cp4 stays in the spec as Worker and gives up its ControlPlane role:").And.Contain("leaves 4 of 4 voting members healthy").And.Contain("kubeadm reset -f on cp4"));
            Assert.That(first.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveStaleEtcdMember), "its member is matched to it, not a stranger");
            Assert.That(plans.SelectMany(p => p.Steps).Where(s => s.Kind == StepKind.JoinWorker).SelectMany(s => s.Hosts), Is.EquivalentTo(new[] { "cp4", "cp5" }));
            Assert.That(plans[^1].IsConverged, Is.True, string.Join("\n", PlanFormatter.Lines(plans[^1])));
            Assert.That(model.Facts["cp1"].Etcd?.Members.Select(m => m.Name), Is.EquivalentTo(new[] { "cp1", "cp2", "cp3" }));
        });
    }

    [Test]
    public void Plan_ExternalEtcdHostAndWorkerSwapRoles_TheNewMemberJoinsBeforeTheOldOneLeaves()
    {
        var before = Clusters.Spec(EtcdTopology.External, workers: 1);
        var cluster = WithRoles(WithRoles(before, "etcd3", HostRole.Worker), "w1", HostRole.Etcd);
        var setUp = new Dictionary<string, IReadOnlyList<HostRole>> { ["etcd3"] = [HostRole.Etcd], ["w1"] = [HostRole.Worker] };

        var (plans, model) = Converge(cluster, Clusters.ConvergedFacts(before), setUp);

        var rows = plans.SelectMany(p => p.Steps).Select(Row).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(rows.IndexOf((StepKind.RemoveWorker, "w1")), Is.LessThan(rows.IndexOf((StepKind.AddEtcdMember, "w1"))).And.Not.EqualTo(-1));
            Assert.That(rows.IndexOf((StepKind.AddEtcdMember, "w1")), Is.LessThan(rows.IndexOf((StepKind.RemoveEtcdMember, "etcd3"))));
            Assert.That(rows.IndexOf((StepKind.RemoveEtcdMember, "etcd3")), Is.LessThan(rows.IndexOf((StepKind.JoinWorker, "etcd3"))));
            Assert.That(plans[^1].IsConverged, Is.True, string.Join("\n", PlanFormatter.Lines(plans[^1])));
            Assert.That(model.Facts["etcd1"].Etcd?.Members.Select(m => m.Name), Is.EquivalentTo(new[] { "etcd1", "etcd2", "w1" }));
        });
    }

    [Test]
    public void Plan_ControlPlaneBecomesSchedulable_IsRefusedAndNothingChangesThere()
    {
        var before = Clusters.Spec(workers: 1);
        var cluster = WithRoles(before, "cp2", HostRole.ControlPlane, HostRole.Worker);

        var plan = Planner.Plan(cluster, Clusters.ConvergedFacts(before), Clusters.Desired(cluster), null, [], Was("cp2", HostRole.ControlPlane));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps, Is.Empty);
            Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On("cp2", null, RefusalCause.NeedsManualAction)));

            // The command a person runs to unblock it: its words are the product.
            Assert.That(plan.Refusals.Single().Detail, Does.Contain("kubectl taint node NAME node-role.kubernetes.io/control-plane:NoSchedule-"));
        });
    }

    [Test]
    public void Plan_HostWhoseRoleChangedIsUnreachable_NothingIsRemovedUntilItAnswers()
    {
        var before = Clusters.Spec(workers: 1, loadBalancers: 2);
        var facts = Clusters.ConvergedFacts(before);
        facts["lb1"] = HostFacts.Unreachable("lb1", ProbeErrorKind.Unreachable, "connection refused", default);
        var cluster = WithRoles(before, "lb1", HostRole.Worker);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, [], Was("lb1", HostRole.LoadBalancer));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps, Is.Empty);
            Assert.That(plan.Refusals.Select(r => r.What()), Is.EqualTo(new[] { Refused.On("lb1", null, RefusalCause.HostUnreachable) }));
        });
    }
}
