using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>The planner's upgrade rules: order, one host at a time, and every refusal.</summary>
public sealed class UpgradePlannerTests
{
    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    /// <summary>A converged cluster built at <paramref name="from"/>, and the spec raised to <paramref name="to"/>.</summary>
    private static (HaCluster Cluster, Dictionary<string, HostFacts> Facts) Raised(string from, string to, EtcdTopology topology = EtcdTopology.Stacked) =>
        (Clusters.Spec(topology, version: to), Clusters.ConvergedFacts(Clusters.Spec(topology, version: from)));

    // An upgraded node also has the package source of the new minor (the upgrade step writes it).
    private static HostFacts At(HostFacts facts, string version, bool controlPlane) => facts with
    {
        Versions = new KubeVersions(version, version, version),
        StaticPodImages = controlPlane ? Clusters.Images(version) : facts.StaticPodImages,
        Files = facts.Files.With(KnownPaths.AptSource, Clusters.Present(Clusters.NodeFiles(Clusters.Spec(version: version).Spec).Single(f => f.Path == KnownPaths.AptSource).Sha256, "644")),
    };

    private static Plan PlanOf(HaCluster cluster, Dictionary<string, HostFacts> facts) => Planner.Plan(cluster, facts, Clusters.Desired(cluster));

    [Test]
    public void Plan_PatchRaised_FirstControlPlaneRunsUpgradeApplyAndTheRestWait()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, "cp1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[0].Reason, Is.EqualTo(
                "control plane v1.31.4, kubelet v1.31.4, kubeadm v1.31.4, kubectl v1.31.4; spec wants v1.31.5: kubeadm v1.31.5, kubeadm upgrade plan and kubeadm upgrade apply v1.31.5 (the first control plane to upgrade), then drain (at most 2m, spec.drainTimeout), kubelet and kubectl v1.31.5, kubelet restarted, uncordon; its etcd member restarts: 2 of 3 voting members stay healthy while it restarts (majority 2)"));
            Assert.That(plan.Steps[0].ChangesEtcdMembership, Is.False);
            Assert.That(plan.Refusals, Is.Empty);
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[]
            {
                (StepKind.UpgradeControlPlane, "cp2"), (StepKind.UpgradeControlPlane, "cp3"), (StepKind.UpgradeWorker, "w1"), (StepKind.UpgradeWorker, "w2"),
            }));
            Assert.That(plan.Deferred[2].Reason, Does.Contain("workers follow the control planes"));
        });
    }

    [Test]
    public void Plan_DrainTimeoutInSpec_IsInTheUpgradeReason()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        cluster = cluster with { Spec = cluster.Spec with { DrainTimeout = "1h" } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, "cp1") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("drain (at most 1h, spec.drainTimeout)"));
    }

    [Test]
    public void Plan_FirstControlPlaneUpgraded_NextControlPlaneRunsUpgradeNode()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.32.1");
        facts["cp1"] = At(facts["cp1"], "v1.32.1", controlPlane: true);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, "cp2") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("kubeadm upgrade node").And.Not.Contain("upgrade apply"));
    }

    [Test]
    public void Plan_ControlPlanesUpgraded_WorkersFollowOneAtATimeInSpecOrder()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.32.1");
        foreach (var cp in new[] { "cp1", "cp2", "cp3" })
        {
            facts[cp] = At(facts[cp], "v1.32.1", controlPlane: true);
        }

        var first = PlanOf(cluster, facts);
        facts["w1"] = At(facts["w1"], "v1.32.1", controlPlane: false);
        var second = PlanOf(cluster, facts);
        facts["w2"] = At(facts["w2"], "v1.32.1", controlPlane: false);
        var done = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(first.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeWorker, "w1") }));
            Assert.That(first.Steps[0].Reason, Does.Contain("drain (at most 2m, spec.drainTimeout), kubeadm v1.32.1, kubeadm upgrade node"));
            Assert.That(first.Deferred.Select(d => d.Host), Is.EqualTo(new[] { "w2" }));
            Assert.That(second.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeWorker, "w2") }));
            Assert.That(done.IsConverged, Is.True, string.Join("; ", done.Refusals));
        });
    }

    [Test]
    public void Plan_NodeLeftCordonedByAnInterruptedUpgrade_IsUpgradedAgainThoughItsVersionsMatch()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w2"] = facts["w2"] with { Files = facts["w2"].Files.With(KnownPaths.UpgradeMarker, Clusters.Present(Clusters.Sha("marker"), "644")) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeWorker, "w2") }));
        Assert.That(plan.Steps[0].Reason, Does.StartWith("an earlier upgrade of this node did not finish"));
    }

    [Test]
    public void Plan_KubeletVersionUnreadThisCycle_StartsNoUpgradeOnAGuess()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w1"] = facts["w1"] with { Versions = facts["w1"].Versions with { Kubelet = null } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.IsConverged, Is.True, string.Join("; ", plan.Steps));
    }

    [TestCase("v1.31.4", "v1.31.3", "cp1 control plane v1.31.4")]
    [TestCase("v1.32.1", "v1.31.9", "cp1 control plane v1.32.1")]
    public void Plan_Downgrade_IsRefusedAndNothingIsPlanned(string from, string to, string named)
    {
        var (cluster, facts) = Raised(from, to);

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps, Is.Empty);
            Assert.That(plan.Deferred, Is.Empty);
            Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.VersionSkew)));
            Assert.That(plan.Refusals.Single().Detail, Does.Contain(named).And.Contain($"{from} or newer"));
        });
    }

    [Test]
    public void Plan_DowngradeOfOneWorkerKubelet_IsRefused()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w1"] = At(facts["w1"], "v1.31.6", controlPlane: false);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.VersionSkew)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("w1 kubelet v1.31.6, w1 kubeadm v1.31.6"));
    }

    [Test]
    public void Plan_SkippedMinor_IsRefusedNamingTheMinorInBetween()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.33.0");

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.VersionSkew)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("v1.32"));
    }

    [Test]
    public void Plan_MidUpgradeSpecRaisedAgain_CountsFromTheOldestControlPlane()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.33.0");
        facts["cp1"] = At(facts["cp1"], "v1.32.1", controlPlane: true);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.VersionSkew)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("v1.31.4 to v1.33.0"));
    }

    [Test]
    public void Plan_KubeletMoreThanThreeMinorsOlderThanTheTarget_IsRefusedAsKubeadmWould()
    {
        var (cluster, facts) = Raised("v1.32.1", "v1.33.0");
        facts["w1"] = facts["w1"] with { Versions = new KubeVersions("v1.29.9", "v1.32.1", "v1.32.1") };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.VersionSkew)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("w1 kubelet v1.29.9"));
    }

    [Test]
    public void Plan_UnreadableControlPlaneVersion_IsRefused()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["cp2"] = facts["cp2"] with { StaticPodImages = new Dictionary<string, string> { ["kube-apiserver"] = "registry.k8s.io/kube-apiserver:latest" } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.VersionSkew)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("cp2"));
    }

    [Test]
    public void Plan_HostUnreachable_UpgradeWaitsNamingIt()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["w2"] = HostFacts.Unreachable("w2", ProbeErrorKind.Unreachable, "connection refused", default);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Select(r => r.What()), Is.EqualTo(new[] { Refused.On("w2", null, RefusalCause.HostUnreachable), Refused.On(null, null, RefusalCause.Degraded) }));
        Assert.That(plan.Refusals[1].Detail, Does.Contain("w2 unreachable"));
    }

    [Test]
    public void Plan_EtcdMemberUnhealthy_UpgradeWaits()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["cp3"] = facts["cp3"] with { Etcd = facts["cp3"].Etcd! with { Healthy = false } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.Degraded)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("(cp3 (1002))"));
    }

    [Test]
    public void Plan_ExternalEtcdMemberDown_UpgradeWaits()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5", EtcdTopology.External);
        facts["etcd2"] = facts["etcd2"] with { Etcd = facts["etcd2"].Etcd! with { Healthy = false } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.Degraded)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("etcd2"));
    }

    [Test]
    public void Plan_ApiServerNotListening_UpgradeWaits()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["cp2"] = facts["cp2"] with { ListeningPorts = new HashSet<int> { 2379, 2380 } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On(null, null, RefusalCause.Degraded)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("cp2"));
    }

    [Test]
    public void Plan_KubeletStoppedOnAControlPlane_IsStartedFirstAndTheUpgradeWaitsForIt()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["cp2"] = facts["cp2"] with { Services = facts["cp2"].Services.With("kubelet", ServiceState.Inactive) };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.StartKubelet, "cp2") }));
            Assert.That(plan.Refusals, Is.Empty);
            Assert.That(plan.Deferred.Select(d => d.Kind).Distinct(), Is.EqualTo(new[] { StepKind.UpgradeControlPlane, StepKind.UpgradeWorker }));
        });
    }

    [Test]
    public void Plan_OtherStepsPlanned_UpgradeIsDeferredUntilTheyRan()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["lb1"] = facts["lb1"] with { Services = facts["lb1"].Services.With("haproxy", ServiceState.Inactive) };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind), Is.EqualTo(new[] { StepKind.ConfigureLoadBalancer }));
            Assert.That(plan.Deferred.Select(d => d.Kind).Distinct(), Is.EqualTo(new[] { StepKind.UpgradeControlPlane, StepKind.UpgradeWorker }));
            Assert.That(plan.Deferred[0].Reason, Does.Contain("1 other step(s)"));
        });
    }

    [Test]
    public void Plan_JoinedNodeWithSwapOnDuringAnUpgrade_PrepareHostLeavesItsPackagesAlone()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["w1"] = facts["w1"] with { Prerequisites = facts["w1"].Prerequisites! with { SwapOn = true } };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PrepareHost, "w1") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo("swap is on"));
    }

    [Test]
    public void Plan_NewWorkerDuringAnUpgrade_WaitsForTheControlPlanesAndDoesNotHoldTheUpgrade()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.32.1");
        var w2 = At(facts["w2"], "v1.32.1", controlPlane: false);
        facts["w2"] = w2 with { Files = w2.Files.With(KnownPaths.KubeletConf, null) };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, "cp1") }));
            Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On("w2", StepKind.JoinWorker, RefusalCause.VersionSkew)));
            Assert.That(plan.Refusals.Single().Detail, Does.Contain("(cp1 runs v1.31.4, cp2 runs v1.31.4, cp3 runs v1.31.4)"));
        });
    }

    [Test]
    public void Plan_NewWorkerOnceControlPlanesRunTheTarget_Joins()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.32.1");
        foreach (var cp in new[] { "cp1", "cp2", "cp3" })
        {
            facts[cp] = At(facts[cp], "v1.32.1", controlPlane: true);
        }

        var w2 = At(facts["w2"], "v1.32.1", controlPlane: false);
        facts["w2"] = w2 with { Files = w2.Files.With(KnownPaths.KubeletConf, null) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PullImages, "w2"), (StepKind.JoinWorker, "w2") }));
        Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.UpgradeWorker, "w1") }));
    }

    [Test]
    public void Plan_NewControlPlaneDuringAnUpgrade_WaitsToJoin()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5", EtcdTopology.External);
        facts["cp3"] = NotJoined(facts["cp3"], "v1.31.5");

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            // External etcd members move first, one per plan, behind the guard.
            Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeEtcdMember, "etcd1") }));
            Assert.That(plan.Steps[0].Reason, Is.EqualTo(
                "kubelet v1.31.4, kubeadm v1.31.4; spec wants v1.31.5: kubelet and kubeadm v1.31.5, the etcd image kubeadm v1.31.5 pins, etcd.yaml rendered again (kubeadm init phase etcd local), the member restarted, one at a time; the member restarts: 2 of 3 voting members stay healthy while it restarts (majority 2)"));
            Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On("cp3", StepKind.JoinControlPlane, RefusalCause.VersionSkew)));
        });
    }

    [Test]
    public void Plan_StackedUpgradeThatWouldCostQuorum_IsRefusedByTheGuard()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.31.5");
        facts["cp3"] = NotJoined(facts["cp3"], "v1.31.5");
        foreach (var host in new[] { "cp1", "cp2" })
        {
            var members = facts[host].Etcd!.Members.Where(m => m.Name != "cp3").ToList();
            facts[host] = facts[host] with { Etcd = facts[host].Etcd! with { Members = members } };
        }

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Select(r => r.What()), Has.One.EqualTo(Refused.On("cp1", StepKind.UpgradeControlPlane, RefusalCause.QuorumGuard)));
        Assert.That(plan.Refusals.Single(r => r.Host == "cp1").Detail, Does.Contain("1 of 2 voting members").And.Contain("majority of 2"));
    }

    private static HostFacts NotJoined(HostFacts facts, string version) => Clusters.PreparedNode(facts.Host, Clusters.Spec(version: version).Spec, version) with
    {
        Services = facts.Services.With("kubelet", ServiceState.Inactive),
        Files = Clusters.PreparedNode(facts.Host, Clusters.Spec(version: version).Spec, version).Files
            .Concat(facts.Files.Where(f => f.Key.StartsWith(KnownPaths.Pki, StringComparison.Ordinal)))
            .ToDictionary(f => f.Key, f => f.Value),
    };

    [Test]
    public void Plan_UpgradeAppliedToTheModel_ConvergesOneHostPerPlan()
    {
        var (cluster, facts) = Raised("v1.31.4", "v1.32.1");
        var model = new HostModel(cluster, Clusters.Desired(cluster), facts);
        var order = new List<string>();

        for (var round = 0; round < 10; round++)
        {
            var plan = PlanOf(cluster, new Dictionary<string, HostFacts>(model.Facts));
            if (plan.IsConverged)
            {
                break;
            }

            Assert.That(plan.Steps, Has.Count.EqualTo(1), string.Join("; ", plan.Refusals));
            order.Add(plan.Steps[0].Hosts.Single());
            model.Apply(plan);
        }

        Assert.That(order, Is.EqualTo(new[] { "cp1", "cp2", "cp3", "w1", "w2" }));
    }

    [Test]
    public void WhilePaused_DuringAnUpgrade_PlansNothing()
    {
        var cluster = Clusters.Spec(version: "v1.31.5", paused: true);
        var facts = Clusters.ConvergedFacts(Clusters.Spec());

        var plan = PlanOf(cluster, facts).WhilePaused();

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals[0].What(), Is.EqualTo(Refused.On(null, null, RefusalCause.Paused)));
        Assert.That(plan.Refusals[0].Detail, Does.Contain("1 step(s)"));
    }
}
