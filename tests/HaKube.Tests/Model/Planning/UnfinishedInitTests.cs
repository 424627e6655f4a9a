using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// kubeadm init cut off on cp1 before upload-config: its kubeconfigs and static pods are there,
/// kubelet.conf still embeds its client pair, and etcd (cp1's lone stacked member, healthy) has no
/// kube-system/kubeadm-config. Every other host is prepared and has not joined.
/// </summary>
public sealed class UnfinishedInitTests
{
    private static readonly DateTimeOffset Expiry = new(2027, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static Plan PlanOf(HaCluster cluster, Dictionary<string, HostFacts> facts) => Planner.Plan(cluster, facts, Clusters.Desired(cluster));

    private static Refusal Reset(Plan plan) => plan.Refusals.Single(r => r.Step == StepKind.ResetUnfinishedInit);

    private static (HaCluster Cluster, Dictionary<string, HostFacts> Facts) InitCutOff(bool? kubeadmConfigStored = false)
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var host in cluster.Spec.Hosts.Where(h => h.Name != "cp1" && !h.Roles.Contains(HostRole.LoadBalancer)))
        {
            var f = facts[host.Name];
            facts[host.Name] = f with
            {
                Files = f.Files.With(KnownPaths.KubeletConf, null).With(KnownPaths.AdminConf, null),
                Services = f.Services.With("kubelet", ServiceState.Inactive),
                StaticPodImages = new Dictionary<string, string>(),
                ApiServerEtcdServers = null,
                ListeningPorts = new HashSet<int>(),
                Etcd = null,
                EtcdDataPresent = false,
            };
        }

        var cp1 = facts["cp1"];
        facts["cp1"] = cp1 with
        {
            Files = cp1.Files.With(KnownPaths.KubeletConf, cp1.Files[KnownPaths.KubeletConf] with { NotAfter = Expiry }),
            Etcd = new EtcdFacts(true, [Clusters.Member(cluster.Spec, "cp1")], null) { KubeadmConfigStored = kubeadmConfigStored },
        };
        return (cluster, facts);
    }

    [Test]
    public void Plan_InitCutOffBeforeUploadConfig_ResetsTheHostThenInitsAndJoinsNoControlPlane()
    {
        var (cluster, facts) = InitCutOff();

        var plan = PlanOf(cluster, facts);

        var kinds = plan.Steps.Select(s => s.Kind).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Where(s => s.Kind == StepKind.ResetUnfinishedInit).SelectMany(s => s.Hosts), Is.EqualTo(new[] { "cp1" }));
            Assert.That(kinds.IndexOf(StepKind.InitControlPlane), Is.GreaterThan(kinds.IndexOf(StepKind.ResetUnfinishedInit)));
            Assert.That(kinds, Does.Not.Contain(StepKind.JoinControlPlane).And.Not.Contain(StepKind.UseRotatingKubeletCertificate));
            Assert.That(plan.Steps.Single(s => s.Kind == StepKind.ResetUnfinishedInit).Reason, Does.Contain("kubelet-finalize").Or.Contain("embeds its client certificate"));
        });
    }

    [Test]
    public void Plan_EmbeddedCertificateButKubeadmConfigStored_CountsAsInitializedAndRotatesTheKubeletCertificate()
    {
        var (cluster, facts) = InitCutOff(kubeadmConfigStored: true);

        var plan = PlanOf(cluster, facts);

        var kinds = plan.Steps.Select(s => s.Kind).ToList();
        Assert.That(kinds, Does.Not.Contain(StepKind.ResetUnfinishedInit).And.Not.Contain(StepKind.InitControlPlane).And.Contain(StepKind.JoinControlPlane).And.Contain(StepKind.UseRotatingKubeletCertificate));
    }

    [Test]
    public void Plan_EtcdDidNotAnswerTheRange_NeverResets()
    {
        var (cluster, facts) = InitCutOff(kubeadmConfigStored: null);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.ResetUnfinishedInit).And.Not.Contain(StepKind.InitControlPlane));
    }

    [Test]
    public void Plan_FinalizedKubeletConfWithoutKubeadmConfig_NeverResets()
    {
        var (cluster, facts) = InitCutOff();
        facts["cp1"] = facts["cp1"] with { Files = facts["cp1"].Files.With(KnownPaths.KubeletConf, facts["cp1"].Files[KnownPaths.KubeletConf] with { NotAfter = null }) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.ResetUnfinishedInit).And.Not.Contain(StepKind.InitControlPlane));
    }

    [Test]
    public void Plan_AWorkerHasJoined_RefusesTheResetAndInitNamingIt()
    {
        var (cluster, facts) = InitCutOff();
        facts["w2"] = facts["w2"] with { Files = facts["w2"].Files.With(KnownPaths.KubeletConf, Clusters.Present(Clusters.Sha("w2 kubelet.conf"), "600")) };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.ResetUnfinishedInit).And.Not.Contain(StepKind.InitControlPlane));
            Assert.That(Reset(plan).What(), Is.EqualTo(Refused.On("cp1", StepKind.ResetUnfinishedInit, RefusalCause.NeedsManualAction)));
            Assert.That(Reset(plan).Detail, Does.Contain("w2 has"));
        });
    }

    [Test]
    public void Plan_AnotherHostCannotBeProbed_RefusesTheReset()
    {
        var (cluster, facts) = InitCutOff();
        facts["w1"] = new HostFacts { Host = "w1", Reachable = false, Error = "connection refused" };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.ResetUnfinishedInit));
            Assert.That(Reset(plan).What(), Is.EqualTo(Refused.On("cp1", StepKind.ResetUnfinishedInit, RefusalCause.HostUnreachable)));
            Assert.That(Reset(plan).Detail, Does.Contain("w1 cannot"));
        });
    }

    [Test]
    public void Plan_EtcdHasAnotherMember_RefusesTheReset()
    {
        var (cluster, facts) = InitCutOff();
        var etcd = facts["cp1"].Etcd!;
        facts["cp1"] = facts["cp1"] with { Etcd = etcd with { Members = [.. etcd.Members, Clusters.Member(cluster.Spec, "cp2")] } };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.ResetUnfinishedInit));
            Assert.That(Reset(plan).What(), Is.EqualTo(Refused.On("cp1", StepKind.ResetUnfinishedInit, RefusalCause.NeedsManualAction)));
            Assert.That(Reset(plan).Detail, Does.Contain("cp2 (1001)"));
        });
    }

    [Test]
    public void Plan_ApiListsAnotherNode_RefusesTheReset()
    {
        var (cluster, facts) = InitCutOff();
        facts["cp1"] = facts["cp1"] with
        {
            Nodes = [new ClusterNode("cp1", new Dictionary<string, string>(), []), new ClusterNode("stray", new Dictionary<string, string>(), [])],
        };

        var plan = PlanOf(cluster, facts);

        Assert.That(Reset(plan).What(), Is.EqualTo(Refused.On("cp1", StepKind.ResetUnfinishedInit, RefusalCause.NeedsManualAction)));
        Assert.That(Reset(plan).Detail, Does.Contain("(stray)"));
    }

    [Test]
    public void Plan_AfterTheResetAndInit_NothingIsResetAgain()
    {
        var (cluster, facts) = InitCutOff();
        var model = new HostModel(cluster, Clusters.Desired(cluster), facts);

        model.Apply(PlanOf(cluster, facts));
        var next = Planner.Plan(cluster, model.Facts, Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(model.Facts["cp1"].ControlPlaneInitialized, Is.True);
            Assert.That(next.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.ResetUnfinishedInit).And.Not.Contain(StepKind.InitControlPlane));
        });
    }
}
