using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

public sealed class NodeLabelPhaseTests
{
    private static HaCluster WithLabels(HaCluster cluster, string host, Dictionary<string, string> labels) =>
        cluster with { Spec = cluster.Spec with { Hosts = cluster.Spec.Hosts.Select(h => h.Name == host ? h with { Labels = labels } : h).ToList() } };

    /// <summary>A converged cluster whose first control plane listed <paramref name="nodes"/>.</summary>
    private static Dictionary<string, HostFacts> Listed(HaCluster cluster, params ClusterNode[] nodes)
    {
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp1"] = facts["cp1"] with { Nodes = nodes };
        return facts;
    }

    private static ClusterNode[] SpecNodes(HaCluster cluster) =>
        cluster.Spec.Hosts.Where(h => !h.Roles.SequenceEqual([HostRole.LoadBalancer]))
            .Select(h => new ClusterNode(h.Name, h.Labels ?? new Dictionary<string, string>(), (h.Labels?.Keys ?? []).Order(StringComparer.Ordinal).ToList()))
            .ToArray();

    [Test]
    public void Plan_NodesInLine_IsConvergedAndReportsNoUnmanagedNode()
    {
        var cluster = WithLabels(Clusters.Spec(), "w1", new() { ["zone"] = "a" });

        var plan = Planner.Plan(cluster, Listed(cluster, SpecNodes(cluster)), Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.IsConverged, Is.True, string.Join("\n", plan.Steps.Concat<object>(plan.Refusals)));
            Assert.That(plan.UnmanagedNodes, Is.Empty);
        });
    }

    [Test]
    public void Plan_SpecLabelChangedAndOneDropped_LabelsTheNodeNamingTheChange()
    {
        var before = WithLabels(Clusters.Spec(), "w1", new() { ["zone"] = "a", ["tier"] = "web" });
        var nodes = SpecNodes(before);
        nodes[Array.FindIndex(nodes, n => n.Name == "w1")] = nodes.Single(n => n.Name == "w1") with { Labels = new Dictionary<string, string> { ["zone"] = "a", ["tier"] = "web", ["team"] = "x" } };
        var cluster = WithLabels(before, "w1", new() { ["zone"] = "b" });

        var plan = Planner.Plan(cluster, Listed(cluster, nodes), Clusters.Desired(cluster));

        var step = plan.Steps.Single();
        Assert.Multiple(() =>
        {
            Assert.That((step.Kind, string.Join(",", step.Hosts)), Is.EqualTo((StepKind.LabelNodes, "w1")));
            Assert.That(step.Reason, Does.Contain("w1: set zone=b; remove tier").And.Not.Contain("team"));
        });
    }

    [Test]
    public void Plan_NodeOfNoSpecHostNeverInTheInventory_ReportedNotRemoved()
    {
        var cluster = Clusters.Spec();
        var nodes = SpecNodes(cluster).Append(new ClusterNode("byhand", new Dictionary<string, string>(), [])).ToArray();

        var plan = Planner.Plan(cluster, Listed(cluster, nodes), Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.IsConverged, Is.True, string.Join("\n", plan.Steps.Concat<object>(plan.Refusals)));
            Assert.That(plan.UnmanagedNodes, Is.EqualTo(new[] { "byhand" }));
        });
    }

    [Test]
    public void Plan_NodeOfADepartingHost_IsNotUnmanaged()
    {
        var (smaller, departing) = Clusters.Shrink(Clusters.Spec());
        var full = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(full);
        facts["cp1"] = facts["cp1"] with { Nodes = SpecNodes(full) };

        var plan = Planner.Plan(smaller, facts, Clusters.Desired(smaller), departing: departing);

        Assert.That(plan.UnmanagedNodes, Is.Empty);
    }

    [Test]
    public void Plan_NoNodeList_PlansNoLabelsAndReportsNothing()
    {
        var cluster = WithLabels(Clusters.Spec(), "w1", new() { ["zone"] = "a" });

        var plan = Planner.Plan(cluster, Clusters.ConvergedFacts(cluster), Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.IsConverged, Is.True);
            Assert.That(plan.UnmanagedNodes, Is.Null);
        });
    }

    [Test]
    public void WhilePaused_UnmanagedNodes_Kept()
    {
        var cluster = Clusters.Spec(paused: true);
        var nodes = SpecNodes(cluster).Append(new ClusterNode("byhand", new Dictionary<string, string>(), [])).ToArray();

        var plan = Planner.Plan(cluster, Listed(cluster, nodes), Clusters.Desired(cluster)).WhilePaused();

        Assert.That(plan.UnmanagedNodes, Is.EqualTo(new[] { "byhand" }));
    }
}
