using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>The planner's rule for a HAProxy host that left the spec (MembershipPhase, RemoveLoadBalancer), by example.</summary>
public sealed class LoadBalancerRemovalPlannerTests
{
    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    private static HostFacts Down(string host) => HostFacts.Unreachable(host, ProbeErrorKind.Unreachable, "connection refused", default);

    /// <summary>A converged cluster with HAProxy on lb1 and lb2 whose spec then dropped <paramref name="leaving"/>.</summary>
    private static (HaCluster Cluster, Dictionary<string, HostFacts> Facts, IReadOnlyList<HostSpec> Departing) Dropped(string leaving = "lb1", string endpoint = "api.demo.internal")
    {
        var big = Clusters.Spec(workers: 1, loadBalancers: 2);
        var facts = Clusters.ConvergedFacts(big);
        var spec = big.Spec;
        var smaller = big with
        {
            Spec = spec with
            {
                ControlPlaneEndpoint = spec.ControlPlaneEndpoint with { Host = endpoint },
                Hosts = spec.Hosts.Where(h => h.Name != leaving).ToList(),
                LoadBalancer = spec.LoadBalancer with { Hosts = spec.LoadBalancer.Hosts.Where(h => h != leaving).ToList() },
            },
        };
        return (smaller, facts, spec.Hosts.Where(h => h.Name == leaving).ToList());
    }

    private static Plan PlanOf(HaCluster cluster, Dictionary<string, HostFacts> facts, IReadOnlyList<HostSpec> departing) =>
        Planner.Plan(cluster, facts, Clusters.Desired(cluster), null, departing);

    [Test]
    public void Plan_DepartingLoadBalancerWhileAnotherServes_StopsHaproxyThere()
    {
        var (cluster, facts, departing) = Dropped();

        var plan = PlanOf(cluster, facts, departing);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[0].Reason, Is.EqualTo("lb1 left the spec: HAProxy there is stopped and disabled and its HaKube-written haproxy.cfg moved aside; lb2 serves the endpoint api.demo.internal:6443"));
            Assert.That(plan.Steps[0].ChangesEtcdMembership, Is.False);
            Assert.That(plan.Refusals, Is.Empty);
        });
    }

    [Test]
    public void Plan_RemainingLoadBalancerHaproxyFailed_IsReconfiguredFirstAndTheDepartingOneWaitsForAProbeThatSeesItServe()
    {
        var (cluster, facts, departing) = Dropped();
        facts["lb2"] = facts["lb2"] with { Services = facts["lb2"].Services.With("haproxy", ServiceState.Failed) };

        var plan = PlanOf(cluster, facts, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureLoadBalancer, "lb2") }));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1") }));
            Assert.That(plan.Deferred[0].Reason, Does.Contain("until a probe sees lb2 (configured in this plan) serve the endpoint"));
        });
    }

    [Test]
    public void Plan_LoadBalancerReplacedByANewHost_TheNewOneServesBeforeTheOldOneStops()
    {
        // lb1 out, lb3 in: lb3 is a fresh machine.
        var (cluster, facts, departing) = Dropped();
        var spec = cluster.Spec;
        cluster = cluster with
        {
            Spec = spec with
            {
                Hosts = [.. spec.Hosts.Where(h => h.Name != "lb2"), new HostSpec { Name = "lb3", Address = "10.0.0.30", Roles = [HostRole.LoadBalancer] }],
                LoadBalancer = spec.LoadBalancer with { Hosts = ["lb3"] },
            },
        };
        facts.Remove("lb2");
        facts["lb3"] = Clusters.Fresh("lb3");

        var first = PlanOf(cluster, facts, departing);
        var converged = Clusters.ConvergedFacts(cluster);
        facts["lb3"] = converged["lb3"];
        var second = PlanOf(cluster, facts, departing);

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(Row), Does.Contain((StepKind.ConfigureLoadBalancer, "lb3")).And.Not.Contain((StepKind.RemoveLoadBalancer, "lb1")));
            Assert.That(first.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1") }));
            Assert.That(second.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1") }));
            Assert.That(second.Steps[0].Reason, Does.EndWith("lb3 serves the endpoint api.demo.internal:6443"));
        });
    }

    [Test]
    public void Plan_NoLoadBalancerOfTheSpecServes_IsRefusedAndHaproxyKeepsRunning()
    {
        var (cluster, facts, departing) = Dropped();
        facts["lb2"] = Down("lb2");

        var plan = PlanOf(cluster, facts, departing);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveLoadBalancer));
            Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("lb1", StepKind.RemoveLoadBalancer, RefusalCause.WouldBreakCluster)));
            Assert.That(plan.Refusals.Single(r => r.Host == "lb1").Detail, Does.Contain("(lb2)").And.Contain("api.demo.internal:6443"));
        });
    }

    [Test]
    public void Plan_EndpointIsTheDepartingHostsAddress_IsRefusedThoughAnotherServes()
    {
        var (cluster, facts, departing) = Dropped(endpoint: "10.0.0.14");

        var plan = PlanOf(cluster, facts, departing);

        Assert.Multiple(() =>
        {
            Assert.That(departing.Single().Address, Is.EqualTo("10.0.0.14"));
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveLoadBalancer));
            Assert.That(plan.Refusals.Single(r => r.Host == "lb1").What(), Is.EqualTo(Refused.On("lb1", StepKind.RemoveLoadBalancer, RefusalCause.NeedsManualAction)));
            Assert.That(plan.Refusals.Single(r => r.Host == "lb1").Detail, Does.Contain("10.0.0.14"));
        });
    }

    [Test]
    public void Plan_DepartingLoadBalancerUnreachable_IsForgottenWithoutTouchingIt()
    {
        var (cluster, facts, departing) = Dropped();
        facts["lb1"] = Down("lb1");

        var plan = PlanOf(cluster, facts, departing);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo("lb1 left the spec and is unreachable (connection refused): HAProxy cannot be stopped there, the host is gone; it is forgotten"));
    }

    [Test]
    public void Plan_DepartingLoadBalancerAlreadyStopped_IsForgottenWithoutTheEndpointGuard()
    {
        var (cluster, facts, departing) = Dropped();
        facts["lb1"] = facts["lb1"] with { Services = facts["lb1"].Services.With("haproxy", ServiceState.Inactive), Files = facts["lb1"].Files.With(KnownPaths.HaproxyConfig, null) };
        facts["lb2"] = Down("lb2");

        var plan = PlanOf(cluster, facts, departing);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo("lb1 left the spec: haproxy inactive there; it is disabled"));
    }

    [Test]
    public void Plan_DepartingWorkerThatAlsoBalanced_ItsRemovalWaitsWhileHaproxyCannotStop()
    {
        var (cluster, facts, departing) = Dropped();
        var both = departing.Single() with { Roles = [HostRole.Worker, HostRole.LoadBalancer] };
        facts["lb2"] = Down("lb2");

        var plan = PlanOf(cluster, facts, [both]);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.RemoveWorker).And.Not.Contain(StepKind.RemoveLoadBalancer));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.RemoveWorker, "lb1") }));
        });
    }

    [Test]
    public void Plan_DepartingWorkerThatAlsoBalanced_HaproxyStopsBeforeTheWorkerRemovalForgetsIt()
    {
        var (cluster, facts, departing) = Dropped();
        var both = departing.Single() with { Roles = [HostRole.Worker, HostRole.LoadBalancer] };

        var plan = PlanOf(cluster, facts, [both]);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RemoveLoadBalancer, "lb1"), (StepKind.RemoveWorker, "lb1") }));
    }
}
