using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

public sealed class ExternalLoadBalancerTests
{
    private static readonly HaCluster Cluster = Clusters.Spec(EtcdTopology.Stacked, workers: 1, loadBalancers: 0);

    [Test]
    public void Plan_EndpointDoesNotResolve_RefusesInitAndSaysWhy()
    {
        var endpoint = new EndpointFacts("api.demo.internal", 6443, false, false, "api.demo.internal does not resolve: Name or service not known");

        var plan = Planner.Plan(Cluster, Clusters.FreshFacts(Cluster), Clusters.Desired(Cluster), endpoint);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.InitControlPlane));
            Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("cp1", StepKind.InitControlPlane, RefusalCause.EndpointUnavailable)));
            Assert.That(plan.Refusals.Single(r => r.Step == StepKind.InitControlPlane).Detail, Does.Contain(endpoint.Error));
        });
    }

    [Test]
    public void Plan_EndpointRefusesBeforeAnyControlPlaneExists_StillInits()
    {
        var endpoint = new EndpointFacts("api.demo.internal", 6443, true, false, "connection refused");

        var plan = Planner.Plan(Cluster, Clusters.FreshFacts(Cluster), Clusters.Desired(Cluster), endpoint);

        Assert.That(plan.Steps.Select(s => s.Kind), Does.Contain(StepKind.InitControlPlane));
    }

    [Test]
    public void Plan_EndpointSilentOnceAControlPlaneRuns_RefusesTheWorkerJoinAndSaysWhy()
    {
        var facts = Clusters.ConvergedFacts(Cluster);
        facts["w1"] = Clusters.PreparedNode("w1", Cluster.Spec, Clusters.Version);
        var endpoint = new EndpointFacts("api.demo.internal", 6443, true, false, "api.demo.internal:6443 did not answer within 3 s");

        var plan = Planner.Plan(Cluster, facts, Clusters.Desired(Cluster), endpoint);
        var answering = Planner.Plan(Cluster, facts, Clusters.Desired(Cluster), endpoint with { Answers = true, Error = null });

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.JoinWorker));
            Assert.That(plan.Refusals.Select(r => r.What()), Is.EqualTo(new[] { Refused.On(null, null, RefusalCause.EndpointUnavailable) }));
            Assert.That(plan.Refusals.Single().Detail, Does.Contain(endpoint.Error));
            Assert.That(answering.Steps.Select(s => s.Kind), Is.EqualTo(new[] { StepKind.PullImages, StepKind.JoinWorker }));
        });
    }
}
