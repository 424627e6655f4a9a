using HaKube.Model.Api;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;
using HaKube.Reconciler.Execution;
using HaKube.Tests.Model.Planning;

namespace HaKube.Tests.Reconciler.Execution;

public sealed class PlannerProviderTests
{
    [Test]
    public void Plan_DepartingHostNamedByAPreviousMachineKey_IsPlannedAsThatPreviousMachine()
    {
        // The session lists a previous machine among the departing hosts under its key (its SSH target).
        var before = Clusters.Spec(workers: 1);
        var old = before.Spec.Hosts.Single(h => h.Name == "cp3");
        var cluster = before with { Spec = before.Spec with { Hosts = [.. before.Spec.Hosts.Select(h => h.Name == "cp3" ? h with { Address = "10.0.0.77" } : h)] } };
        var key = new PreviousMachine("cp3", old.Address).Key;
        var facts = Clusters.ConvergedFacts(before);
        facts[key] = facts["cp3"] with { Host = key };
        facts["cp3"] = Clusters.Fresh("cp3");

        var plan = PlannerProvider.Default.Plan(cluster, [.. facts.Values], Clusters.Desired(cluster), null, [old with { Name = key }], new Dictionary<string, IReadOnlyList<HostRole>>());

        Assert.Multiple(() =>
        {
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Does.Contain((StepKind.ResetPreviousMachine, key)));
            Assert.That(plan.Steps.Select(s => s.Kind), Has.None.AnyOf(StepKind.RemoveControlPlane, StepKind.RemoveWorker));
        });
    }
}
