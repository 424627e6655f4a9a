using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

public sealed class PlannerExampleTests
{
    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    [Test]
    public void Plan_FreshStackedCluster_PreparesConfiguresInitsJoinsOneControlPlaneAndAllWorkers()
    {
        var cluster = Clusters.Spec();

        var plan = Planner.Plan(cluster, Clusters.FreshFacts(cluster), Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[]
        {
            (StepKind.PrepareHost, "cp1"), (StepKind.PrepareHost, "cp2"), (StepKind.PrepareHost, "cp3"),
            (StepKind.PrepareHost, "w1"), (StepKind.PrepareHost, "w2"), (StepKind.PrepareHost, "lb1"),
            (StepKind.ConfigureLoadBalancer, "lb1"),
            (StepKind.DistributeCertificateAuthorities, "cp1"), (StepKind.DistributeCertificateAuthorities, "cp2"), (StepKind.DistributeCertificateAuthorities, "cp3"),
            (StepKind.PullImages, "cp1,w1,w2"),
            (StepKind.InitControlPlane, "cp1"),
            (StepKind.InstallPodNetwork, "cp1"),
            (StepKind.JoinWorker, "w1,w2"),
        }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Refusals, Is.Empty);
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.JoinControlPlane, "cp2"), (StepKind.JoinControlPlane, "cp3") }));
            Assert.That(plan.Steps[0].Reason, Is.EqualTo(
                "curl, gpg, conntrack, iptables, socat, ethtool, ebtables, ca-certificates not installed; swap is on; net.ipv4.ip_forward is 0; br_netfilter not loaded; containerd not installed; " +
                "kubelet not installed, spec wants v1.31.4; kubeadm not installed, spec wants v1.31.4; kubectl not installed, spec wants v1.31.4; crictl (cri-tools) not installed; " +
                "/etc/modules-load.d/hakube-kubernetes.conf missing; /etc/sysctl.d/99-hakube-kubernetes.conf missing; /etc/apt/sources.list.d/kubernetes.list missing; " +
                "/etc/apt/keyrings/kubernetes-apt-keyring.gpg missing (the pkgs.k8s.io signing key)"));
            Assert.That(plan.Steps[5].Reason, Is.EqualTo("haproxy not installed; socat not installed"));
            Assert.That(plan.Steps[10].Reason, Is.EqualTo("kubeadm init, join follows on cp1, w1, w2: the images of v1.31.4 are pulled first, where containerd lacks them"));
            Assert.That(plan.Steps[11].Reason, Is.EqualTo("no control plane initialized (no /etc/kubernetes/admin.conf on cp1, cp2, cp3)"));
            Assert.That(plan.Steps.Any(s => s.ChangesEtcdMembership), Is.False);
        });
    }

    [Test]
    public void Plan_StackedWithFirstControlPlaneInitialized_JoinsOneControlPlaneBehindTheGuard()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        var member = Clusters.Member(cluster.Spec, "cp1");
        facts["cp1"] = facts["cp1"] with { Etcd = new EtcdFacts(true, [member], null) };
        facts["cp2"] = Uninitialized(facts["cp2"]);
        facts["cp3"] = Uninitialized(facts["cp3"]);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PullImages, "cp2"), (StepKind.JoinControlPlane, "cp2") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[1].ChangesEtcdMembership, Is.True);
            Assert.That(plan.Steps[1].Reason, Does.Contain("1 of 1 voting etcd members healthy; 2 of 2 once the new member starts"));
            Assert.That(plan.Deferred.Single().Host, Is.EqualTo("cp3"));
        });
    }

    [Test]
    public void Plan_FreshExternalCluster_ConfiguresEtcdBootstrapsTheFirstMemberAndInitsOnIt()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 1, loadBalancers: 0);

        var plan = Planner.Plan(cluster, Clusters.FreshFacts(cluster), Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[]
        {
            (StepKind.PrepareHost, "cp1"), (StepKind.PrepareHost, "cp2"), (StepKind.PrepareHost, "cp3"),
            (StepKind.PrepareHost, "etcd1"), (StepKind.PrepareHost, "etcd2"), (StepKind.PrepareHost, "etcd3"), (StepKind.PrepareHost, "w1"),
            (StepKind.ConfigureEtcdMember, "etcd1"), (StepKind.ConfigureEtcdMember, "etcd2"), (StepKind.ConfigureEtcdMember, "etcd3"),
            (StepKind.BootstrapEtcd, "etcd1"),
            (StepKind.DistributeCertificateAuthorities, "cp1"), (StepKind.DistributeCertificateAuthorities, "cp2"), (StepKind.DistributeCertificateAuthorities, "cp3"),
            (StepKind.PullImages, "cp1,cp2,w1"),
            (StepKind.InitControlPlane, "cp1"),
            (StepKind.JoinControlPlane, "cp2"),
            (StepKind.InstallPodNetwork, "cp1"),
            (StepKind.JoinWorker, "w1"),
        }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Refusals, Is.Empty);
            Assert.That(plan.Steps[3].Reason, Is.EqualTo(
                "curl, gpg, ca-certificates not installed; swap is on (the kubelet that runs the etcd member refuses to start with it); containerd not installed; " +
                "kubelet not installed, spec wants v1.31.4; kubeadm not installed, spec wants v1.31.4; crictl (cri-tools) not installed; /etc/apt/sources.list.d/kubernetes.list missing; " +
                "/etc/apt/keyrings/kubernetes-apt-keyring.gpg missing (the pkgs.k8s.io signing key)"));
            Assert.That(plan.Steps[10].Reason, Is.EqualTo("etcd runs on none of etcd1, etcd2, etcd3: a new one-member cluster starts on etcd1"));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.AddEtcdMember, "etcd2"), (StepKind.AddEtcdMember, "etcd3"), (StepKind.JoinControlPlane, "cp3") }));
        });
    }

    [Test]
    public void Plan_ExternalEtcdStoppedOnEveryMemberWithData_RestartsThemAndNeverBootstraps()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 1, loadBalancers: 0);
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var member in new[] { "etcd1", "etcd2", "etcd3" })
        {
            facts[member] = facts[member] with
            {
                Services = facts[member].Services.With("kubelet", ServiceState.Inactive),
                Etcd = null,
                ListeningPorts = new HashSet<int>(),
            };
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[]
        {
            (StepKind.StartEtcdMember, "etcd1"), (StepKind.StartEtcdMember, "etcd2"), (StepKind.StartEtcdMember, "etcd3"),
        }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("holds etcd data"));
    }

    [TestCase(EtcdTopology.Stacked)]
    [TestCase(EtcdTopology.External)]
    public void Plan_ConvergedFacts_IsEmpty(EtcdTopology topology)
    {
        var cluster = Clusters.Spec(topology);

        var plan = Planner.Plan(cluster, Clusters.ConvergedFacts(cluster), Clusters.Desired(cluster));

        Assert.That(plan.IsConverged, Is.True, string.Join("\n", PlanFormatter.Lines(plan)));
        Assert.That(PlanFormatter.Lines(plan), Is.EqualTo(new[] { "Nothing to do: the hosts match the spec." }));
    }

    [Test]
    public void Plan_OneDriftedCertificateOnAControlPlane_PushesTheAuthoritiesToThatHostOnly()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        var path = KnownPaths.Pki + "/front-proxy-ca.crt";
        facts["cp2"] = facts["cp2"] with { Files = facts["cp2"].Files.With(path, Clusters.Present(Clusters.Sha("edited"), "644")) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.DistributeCertificateAuthorities, "cp2") }));
        Assert.That(plan.Steps[0].Reason, Does.Match(@"^/etc/kubernetes/pki/front-proxy-ca\.crt differs \(sha256 [0-9a-f]{12}, want [0-9a-f]{12}\)$"));
        Assert.That(plan.Refusals, Is.Empty);
    }

    [Test]
    public void Plan_EveryRunningControlPlaneHasAnotherClusterCa_RefusesToReplaceIt()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        var path = KnownPaths.Pki + "/ca.crt";
        foreach (var cp in new[] { "cp1", "cp2", "cp3" })
        {
            facts[cp] = facts[cp] with { Files = facts[cp].Files.With(path, Clusters.Present(Clusters.Sha("another cluster's CA"), "644")) };
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps, Is.Empty);
            Assert.That(plan.Refusals.Select(r => r.What()), Is.EquivalentTo(new[] { "cp1", "cp2", "cp3" }.Select(h => Refused.On(h, StepKind.DistributeCertificateAuthorities, RefusalCause.NeedsManualAction))));
        });
    }

    [Test]
    public void Plan_EtcdStoppedOnOneExternalMember_StartsIt()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["etcd2"] = facts["etcd2"] with { Services = facts["etcd2"].Services.With("kubelet", ServiceState.Failed), Etcd = null, ListeningPorts = new HashSet<int>() };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.StartEtcdMember, "etcd2") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo("etcd does not run on etcd2, which the cluster lists as member etcd2 (1004) (kubelet failed)"));
    }

    [Test]
    public void Plan_KubeletStoppedOnAnExternalMemberWhoseEtcdStillRuns_StartsTheKubelet()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["etcd2"] = facts["etcd2"] with { Services = facts["etcd2"].Services.With("kubelet", ServiceState.Inactive) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.StartEtcdMember, "etcd2") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo("the kubelet on etcd2 is inactive: nothing restarts member etcd2 (1004)'s static pod if it stops"));
    }

    [Test]
    public void Plan_ExternalMembersManifestDeleted_RendersItAgainAsAStart()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["etcd3"] = facts["etcd3"] with { Files = facts["etcd3"].Files.With(KnownPaths.EtcdManifest, null), Etcd = null, ListeningPorts = new HashSet<int>() };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.StartEtcdMember, "etcd3") }));
        Assert.That(plan.Steps[0].Reason, Does.EndWith("(/etc/kubernetes/manifests/etcd.yaml missing: rendered again)"));
    }

    [Test]
    public void Plan_ExternalMembersManifestEdited_RenderedAgainBehindTheGuard()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["etcd2"] = facts["etcd2"] with { Files = facts["etcd2"].Files.With(KnownPaths.EtcdManifest, Clusters.Present(Clusters.Sha("edited"), "600")) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureEtcdMember, "etcd2") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo(
            "/etc/kubernetes/manifests/etcd.yaml is not the one kubeadm rendered for HaKube (edited): rendered again; its static pod restarts: 2 of 3 voting members stay healthy while it restarts (majority 2)"));
    }

    [Test]
    public void Plan_HaproxyConfigEdited_ConfiguresThatLoadBalancer()
    {
        var cluster = Clusters.Spec(loadBalancers: 2);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["lb2"] = facts["lb2"] with { Files = facts["lb2"].Files.With(KnownPaths.HaproxyConfig, Clusters.Present(Clusters.Sha("hand edit"), "644")) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureLoadBalancer, "lb2") }));
        Assert.That(plan.Steps[0].Reason, Does.StartWith("/etc/haproxy/haproxy.cfg differs (sha256 "));
    }

    [Test]
    public void Plan_WorkerDownWhileAnotherWaits_RefusesTheDownHostAndJoinsTheOther()
    {
        var cluster = Clusters.Spec(workers: 2);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w1"] = HostFacts.Unreachable("w1", ProbeErrorKind.Timeout, "no answer in 10 s", default);
        facts["w2"] = Clusters.Fresh("w2");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PrepareHost, "w2"), (StepKind.PullImages, "w2"), (StepKind.JoinWorker, "w2") }));
        Assert.That(plan.Refusals, Is.EqualTo(new[] { new Refusal("w1", null, RefusalCause.HostUnreachable, "unreachable (Timeout): no answer in 10 s; nothing is planned on this host") }));
    }

    [Test]
    public void Plan_FreshClusterWithAControlPlaneDown_RefusesInitButPreparesTheOthers()
    {
        var cluster = Clusters.Spec(workers: 1);
        var facts = Clusters.FreshFacts(cluster);
        facts["cp3"] = HostFacts.Unreachable("cp3", ProbeErrorKind.Unreachable, "connection refused", default);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(s => s.Kind).Distinct(), Is.EqualTo(new[] { StepKind.PrepareHost, StepKind.ConfigureLoadBalancer, StepKind.DistributeCertificateAuthorities }));
            Assert.That(plan.Steps.SelectMany(s => s.Hosts), Does.Not.Contain("cp3"));
            Assert.That(plan.Refusals.Select(r => r.Cause), Is.EqualTo(new[] { RefusalCause.HostUnreachable, RefusalCause.HostUnreachable, RefusalCause.Blocked }));
            Assert.That(plan.Refusals.Select(r => r.ToString()), Is.EqualTo(new[]
            {
                "cp3: unreachable (Unreachable): connection refused; nothing is planned on this host",
                "no reachable control plane is initialized and cp3 cannot be probed: kubeadm init waits, since a control plane may already be initialized there",
                "workers w1 wait: no control plane is or will be initialized to join (see the refusal of kubeadm init)",
            }));
        });
    }

    [Test]
    public void Plan_ExternalMembersMissingWithOneOfThreeDown_StartsTheStoppedMemberAndRefusesTheAdd()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, etcdHosts: 5);
        var facts = Clusters.ConvergedFacts(cluster);
        var members = new[] { "etcd1", "etcd2", "etcd3" }.Select(h => Clusters.Member(cluster.Spec, h)).ToList();
        foreach (var host in new[] { "etcd1", "etcd2" })
        {
            facts[host] = facts[host] with { Etcd = new EtcdFacts(true, members, null) };
        }

        facts["etcd3"] = facts["etcd3"] with { Services = facts["etcd3"].Services.With("kubelet", ServiceState.Inactive), Etcd = null, ListeningPorts = new HashSet<int>() };
        facts["etcd4"] = Clusters.Fresh("etcd4");
        facts["etcd5"] = Clusters.Fresh("etcd5");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[]
        {
            (StepKind.PrepareHost, "etcd4"), (StepKind.PrepareHost, "etcd5"), (StepKind.ConfigureEtcdMember, "etcd4"), (StepKind.ConfigureEtcdMember, "etcd5"),
            (StepKind.StartEtcdMember, "etcd3"),
        }));
        Assert.That(plan.Refusals.Select(r => r.What()), Is.EqualTo(new[] { "etcd4", "etcd5" }.Select(h => Refused.On(h, StepKind.AddEtcdMember, RefusalCause.QuorumGuard))));
        Assert.That(plan.Refusals.Select(r => r.Detail), Has.All.Contain("only 2 of 3 are healthy (not healthy: etcd3)"));
    }

    [Test]
    public void Plan_ExternalQuorumLost_RefusesTheAddAndKubeadmJoins()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        var members = new[] { "etcd1", "etcd2" }.Select(h => Clusters.Member(cluster.Spec, h)).ToList();
        facts["etcd1"] = facts["etcd1"] with { Etcd = new EtcdFacts(true, members, null) };
        facts["etcd2"] = HostFacts.Unreachable("etcd2", ProbeErrorKind.Unreachable, "no route to host", default);
        facts["etcd3"] = Clusters.Fresh("etcd3");
        facts["cp3"] = Clusters.Fresh("cp3");

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.AddEtcdMember).And.Not.Contain(StepKind.JoinControlPlane));
        Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("cp3", StepKind.JoinControlPlane, RefusalCause.Degraded)));
        Assert.That(plan.Refusals.Single(r => r.Host == "cp3").Detail, Does.Contain("1 of 2 voting etcd members"));
    }

    [Test]
    public void Plan_StackedMembersDisagree_RefusesTheJoin()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        var cp1 = Clusters.Member(cluster.Spec, "cp1");
        var cp2 = Clusters.Member(cluster.Spec, "cp2");
        facts["cp1"] = facts["cp1"] with { Etcd = new EtcdFacts(true, [cp1, cp2], null) };
        facts["cp2"] = facts["cp2"] with { Etcd = new EtcdFacts(true, [cp2], null) };
        facts["cp3"] = Uninitialized(facts["cp3"]);

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Single().What(), Is.EqualTo(Refused.On("cp3", StepKind.JoinControlPlane, RefusalCause.QuorumGuard)));
        Assert.That(plan.Refusals.Single().Detail, Does.Contain("(cp1 lists {cp1 (1000), cp2 (1001)}; cp2 lists {cp2 (1001)})"));
    }

    [Test]
    public void Plan_RunningMembersDrifted_RestartsOneAndDefersTheOther()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var host in new[] { "etcd1", "etcd2" })
        {
            facts[host] = facts[host] with { Files = facts[host].Files.With(KnownPaths.Pki + "/etcd/server.crt", null) };
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureEtcdMember, "etcd1") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo("/etc/kubernetes/pki/etcd/server.crt missing; its static pod restarts: 2 of 3 voting members stay healthy while it restarts (majority 2)"));
        Assert.That(plan.Deferred.Single().Host, Is.EqualTo("etcd2"));
    }

    [Test]
    public void Plan_JoinedNodeAtAnotherVersion_PlansAnUpgradeNotAPackageChange()
    {
        var cluster = Clusters.Spec(version: "v1.32.1");
        var facts = Clusters.ConvergedFacts(Clusters.Spec());

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UpgradeControlPlane, "cp1") }));
        Assert.That(plan.Refusals, Is.Empty);
    }

    [Test]
    public void WhilePaused_FreshCluster_PlansNothingAndSaysHowMuchWouldRun()
    {
        var cluster = Clusters.Spec(paused: true);

        var plan = Planner.Plan(cluster, Clusters.FreshFacts(cluster), Clusters.Desired(cluster)).WhilePaused();

        Assert.That(plan.Steps, Is.Empty);
        Assert.That(plan.Refusals.Select(r => r.ToString()), Is.EqualTo(new[] { "paused (spec.paused: true): 14 step(s) would run otherwise; HaKube observes and changes nothing" }));
    }

    [Test]
    public void Lines_FreshStackedPlan_NumbersStepsAndGroupsParallelWaves()
    {
        var cluster = Clusters.Spec(workers: 0, loadBalancers: 0, controlPlanes: 1);

        var lines = PlanFormatter.Lines(Planner.Plan(cluster, Clusters.FreshFacts(cluster), Clusters.Desired(cluster)));

        Assert.That(lines[0], Does.Match(@"^  #  WAVE  STEP +HOSTS  REASON$"));
        Assert.That(lines.Skip(1).Select(l => l[..10]), Is.EqualTo(new[] { "  1     1 ", "  2     2 ", "  3     3 ", "  4     4 ", "  5     5 " }));
    }

    private static HostFacts Uninitialized(HostFacts facts) => facts with
    {
        Files = facts.Files.With(KnownPaths.AdminConf, null).With(KnownPaths.KubeletConf, null),
        Etcd = null,
        ListeningPorts = new HashSet<int>(),
    };
}
