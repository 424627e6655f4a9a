using CsCheck;
using HaKube.Model.Loading;
using HaKube.Model.Planning;
using HaKube.Model.Validation;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// The planner's properties over random specs and random facts (see <see cref="Scenarios"/>),
/// each plan checked by <see cref="PlanOracle"/> and run through the <see cref="HostModel"/>.
/// Iteration counts are modest so that the whole fixture takes a few seconds; CsCheck prints a
/// seed to replay any failure.
/// </summary>
public sealed class PlannerPropertyTests
{
    private const int Iterations = 400;

    /// <summary>A plan with a one-change-per-plan bring-up of five members needs six rounds; ten leaves room for repairs before it.</summary>
    private const int Rounds = 10;

    [Test]
    public void Spec_Generated_IsValid() =>
        Scenarios.Spec.Sample(cluster =>
        {
            var manifest = new LoadedManifest(cluster, new SourceMap("generated.yaml", new Dictionary<string, SourcePosition>(), new SourcePosition(1, 1)));
            var errors = HaClusterValidator.Validate(manifest, ValidationOptions.CustomResource);
            Assert.That(errors.Select(e => e.ToString()), Is.Empty);
        }, iter: 100);

    [Test]
    public void Plan_RandomFacts_NeverBreaksTheQuorumGuard() =>
        Scenarios.Chaos.Sample(s =>
        {
            var plan = Planner.Plan(s.Cluster, s.Facts, s.Desired, null, s.Departing, s.SetUpRoles);
            Assert.That(PlanOracle.QuorumViolations(s.Cluster, s.Facts, plan, s.Departing, s.SetUpRoles), Is.Empty, Show(plan));
        }, iter: Iterations);

    [Test]
    public void Plan_RandomFacts_TouchesOnlyReachableHostsItsStepsAreFor() =>
        Scenarios.Chaos.Sample(s =>
        {
            var plan = Planner.Plan(s.Cluster, s.Facts, s.Desired, null, s.Departing, s.SetUpRoles);
            Assert.That(PlanOracle.ScopeViolations(s.Cluster, s.Facts, plan, s.Departing, s.SetUpRoles), Is.Empty, Show(plan));
        }, iter: Iterations);

    [Test]
    public void Plan_RandomFacts_EveryStepChangesTheHostsItRunsOn() =>
        Scenarios.Chaos.Sample(s =>
        {
            var plan = Planner.Plan(s.Cluster, s.Facts, s.Desired, null, s.Departing, s.SetUpRoles);
            var model = new HostModel(s.Cluster, s.Desired, s.Facts, s.Departing, s.SetUpRoles);
            foreach (var step in plan.Steps)
            {
                if (step.Kind is StepKind.RemoveWorker or StepKind.RemoveControlPlane or StepKind.RemoveEtcdMember or StepKind.RemoveLoadBalancer)
                {
                    // A removal's effect is the host leaving the inventory, or its role leaving its entry (a dead one changes nowhere else).
                    var oldRoles = step.Hosts.Select(h => string.Join(",", model.SetUpRoles.GetValueOrDefault(h) ?? [])).ToList();
                    model.Apply(step);
                    Assert.That(model.Departing.Select(h => h.Name).Intersect(step.Hosts), Is.Empty, $"{step} left its hosts departing\n{Show(plan)}");
                    Assert.That(step.Hosts.Select(h => string.Join(",", model.SetUpRoles.GetValueOrDefault(h) ?? [])), Is.Not.EqualTo(oldRoles).Or.All.Empty, $"{step} left the old roles of its hosts as they were\n{Show(plan)}");
                    continue;
                }

                if (step.Kind == StepKind.PullImages)
                {
                    continue; // images are not among the facts: the probe does not list them
                }

                var before = step.Hosts.Select(h => PlanOracle.Fingerprint(model.Facts[h])).ToList();
                model.Apply(step);
                var after = step.Hosts.Select(h => PlanOracle.Fingerprint(model.Facts[h])).ToList();
                for (var i = 0; i < step.Hosts.Count; i++)
                {
                    Assert.That(after[i], Is.Not.EqualTo(before[i]), $"{step} changed nothing on {step.Hosts[i]}\n{Show(plan)}");
                }
            }
        }, iter: Iterations);

    [Test]
    public void Plan_AppliedToTheModelOfRandomFacts_EndsWithNoStepsAndRefusalsThatSayWhy() =>
        Scenarios.Chaos.Sample(s =>
        {
            var final = Converge(s);
            Assert.That(final.Steps, Is.Empty, Show(final));
            Assert.That(final.Refusals.Select(r => r.Reason), Has.All.Length.GreaterThan(10));
            Assert.That(final.Deferred, Is.Empty);
        }, iter: Iterations);

    [Test]
    public void Plan_AppliedToTheModelOfRepairableFacts_Converges() =>
        Scenarios.Clean.Sample(s =>
        {
            var final = Converge(s);
            Assert.That(final.IsConverged, Is.True, Show(final));
        }, iter: Iterations);

    /// <summary>Plans and applies until a plan has no steps, checking properties 1 and 2 on every round's plan.</summary>
    private static Plan Converge(Scenario s)
    {
        var model = new HostModel(s.Cluster, s.Desired, s.Facts, s.Departing, s.SetUpRoles);
        var history = new List<string>();
        for (var round = 1; round <= Rounds; round++)
        {
            var plan = Planner.Plan(s.Cluster, model.Facts, s.Desired, null, model.Departing, model.SetUpRoles);
            history.Add($"round {round}:\n{Show(plan)}");
            Assert.That(PlanOracle.QuorumViolations(s.Cluster, model.Facts, plan, model.Departing, model.SetUpRoles), Is.Empty, string.Join("\n", history));
            Assert.That(PlanOracle.ScopeViolations(s.Cluster, model.Facts, plan, model.Departing, model.SetUpRoles), Is.Empty, string.Join("\n", history));
            if (plan.Steps.Count == 0)
            {
                return plan;
            }

            model.Apply(plan);
        }

        Assert.Fail($"still steps after {Rounds} rounds:\n{string.Join("\n", history)}");
        throw new InvalidOperationException("unreachable");
    }

    private static string Show(Plan plan) => string.Join("\n", PlanFormatter.Lines(plan));
}
