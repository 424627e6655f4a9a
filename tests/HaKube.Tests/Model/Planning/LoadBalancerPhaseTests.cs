using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

public sealed class LoadBalancerPhaseTests
{
    [Test]
    public void Plan_ServerLeftInMaintenance_ConfiguresThatLoadBalancerNamingTheServer()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["lb1"] = facts["lb1"] with { HaproxyServersInMaintenance = ["cp2"] };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        var step = plan.Steps.Single();
        Assert.Multiple(() =>
        {
            Assert.That((step.Kind, step.Hosts), Is.EqualTo((StepKind.ConfigureLoadBalancer, new[] { "lb1" })));
            Assert.That(step.Reason, Does.Contain("HAProxy keeps cp2 in maintenance"));
        });
    }

    [Test]
    public void Plan_NoServerInMaintenance_IsConverged()
    {
        var cluster = Clusters.Spec();

        var plan = Planner.Plan(cluster, Clusters.ConvergedFacts(cluster), Clusters.Desired(cluster));

        Assert.That(plan.IsConverged, Is.True, string.Join("; ", plan.Steps.Select(s => $"{s.Kind}: {s.Reason}")));
    }

    [Test]
    public void Plan_LoadBalancerWithoutSocat_PreparesItToInstallSocat()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["lb1"] = facts["lb1"] with { Programs = facts["lb1"].Programs.Where(p => p != "socat").ToHashSet(StringComparer.Ordinal) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        var step = plan.Steps.Single();
        Assert.That((step.Kind, step.Hosts, step.Reason), Is.EqualTo((StepKind.PrepareHost, new[] { "lb1" }, "socat not installed")));
    }
}
