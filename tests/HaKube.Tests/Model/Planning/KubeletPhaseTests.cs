using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>StartKubelet: a joined node's stopped kubelet is started again, so its static pods (a stacked etcd member) run again.</summary>
public sealed class KubeletPhaseTests
{
    [Test]
    public void Plan_KubeletStoppedOnStackedControlPlane_OnlyStartKubeletThere()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp2"] = facts["cp2"] with { Services = facts["cp2"].Services.With("kubelet", ServiceState.Inactive), Etcd = null, ListeningPorts = new HashSet<int>() };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(plan.Steps.Select(s => (s.Kind, string.Join(",", s.Hosts))), Is.EqualTo(new[] { (StepKind.StartKubelet, "cp2") }));
            Assert.That(plan.Steps[0].Reason, Is.EqualTo("kubelet inactive on a joined node: its static pods (the stacked etcd member, the API server) are not kept running"));
            Assert.That(plan.Steps[0].ChangesEtcdMembership, Is.False, "restarting a member is not a membership change");
        }
    }

    [Test]
    public void Plan_KubeletFailedOnWorkerAndContainerdDown_PrepareHostThenStartKubelet()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w1"] = facts["w1"] with { Services = facts["w1"].Services.With("kubelet", ServiceState.Failed).With("containerd", ServiceState.Inactive) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(s => (s.Kind, string.Join(",", s.Hosts))), Is.EqualTo(new[] { (StepKind.PrepareHost, "w1"), (StepKind.StartKubelet, "w1") }));
    }

    [Test]
    public void Plan_KubeletStoppedButNotJoined_JoinsInstead()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w2"] = facts["w2"] with { Services = facts["w2"].Services.With("kubelet", ServiceState.Inactive), Files = facts["w2"].Files.With(KnownPaths.KubeletConf, null) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(s => s.Kind), Is.EqualTo(new[] { StepKind.PullImages, StepKind.JoinWorker }));
    }

    [Test]
    public void WhilePaused_KubeletStopped_NothingButTheCount()
    {
        var cluster = Clusters.Spec(paused: true);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp1"] = facts["cp1"] with { Services = facts["cp1"].Services.With("kubelet", ServiceState.Inactive) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster)).WhilePaused();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(plan.Steps, Is.Empty);
            Assert.That(plan.Refusals[0].What(), Is.EqualTo(Refused.On(null, null, RefusalCause.Paused)));
            Assert.That(plan.Refusals[0].Detail, Does.Contain("1 step(s)"));
        }
    }
}
