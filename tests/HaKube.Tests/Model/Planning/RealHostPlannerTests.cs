using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// The planner's rules for what real hosts do and the lab used to forgive: PrepareHost's files and
/// containerd's settings as drift, Debian's default etcd member, the move of former systemd members,
/// and image pulls before kubeadm.
/// </summary>
public sealed class RealHostPlannerTests
{
    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    private static Plan PlanOf(HaCluster cluster, Dictionary<string, HostFacts> facts) => Planner.Plan(cluster, facts, Clusters.Desired(cluster));

    [TestCase(KnownPaths.Sysctl)]
    [TestCase(KnownPaths.ModulesLoad)]
    [TestCase(KnownPaths.AptSource)]
    public void Plan_NodeFileDeletedWhileTheLiveValuesHold_PreparesThatHostNamingTheFile(string path)
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["w1"] = facts["w1"] with { Files = facts["w1"].Files.With(path, null) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PrepareHost, "w1") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo($"{path} missing"));
    }

    [Test]
    public void Plan_SysctlFileEdited_PreparesNamingItsHash()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp2"] = facts["cp2"] with { Files = facts["cp2"].Files.With(KnownPaths.Sysctl, Clusters.Present(Clusters.Sha("edited"), "644")) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Single().Reason, Does.StartWith($"{KnownPaths.Sysctl} differs (sha256 "));
    }

    [Test]
    public void Plan_KeyringDeleted_PreparesThatHost()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["etcd2"] = facts["etcd2"] with { Files = facts["etcd2"].Files.With(KnownPaths.AptKeyring, null) };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PrepareHost, "etcd2") }));
        Assert.That(plan.Steps[0].Reason, Is.EqualTo($"{KnownPaths.AptKeyring} missing (the pkgs.k8s.io signing key)"));
    }

    [Test]
    public void Plan_ContainerdWithDebiansPauseImageAndCgroupfs_PreparesNamingBoth()
    {
        var cluster = Clusters.Spec(version: "v1.30.8");
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp1"] = facts["cp1"] with { Containerd = new ContainerdFacts(true, false, "registry.k8s.io/pause:3.6") };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Single().Reason, Is.EqualTo(
            "containerd's runc does not use the systemd cgroup driver (SystemdCgroup); containerd's pause image is registry.k8s.io/pause:3.6, kubeadm v1.30.8 expects registry.k8s.io/pause:3.9"));
    }

    [Test]
    public void Plan_JoinedNodeWhileItsUpgradeIsDue_LeavesThePackageSourceToTheUpgrade()
    {
        var cluster = Clusters.Spec(version: "v1.32.1");
        var facts = Clusters.ConvergedFacts(Clusters.Spec());

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => s.Kind), Is.EqualTo(new[] { StepKind.UpgradeControlPlane }));
    }

    [Test]
    public void Plan_DebiansDefaultMemberOnAFreshEtcdHost_StopsItFirstAndTheAddWaits()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, etcdHosts: 3);
        var facts = Clusters.ConvergedFacts(cluster);
        var members = new[] { "etcd1", "etcd2" }.Select(h => Clusters.Member(cluster.Spec, h)).ToList();
        foreach (var host in new[] { "etcd1", "etcd2" })
        {
            facts[host] = facts[host] with { Etcd = new EtcdFacts(true, members, null) };
        }

        // apt-get install etcd-server started Debian's default member: etcd.service, /var/lib/etcd/default.
        facts["etcd3"] = Clusters.Fresh("etcd3") with
        {
            Services = Clusters.Fresh("etcd3").Services.With("etcd", ServiceState.Active),
            EtcdDefaultDataPresent = true,
            Etcd = new EtcdFacts(false, [], "curl: TLS handshake failed"),
            ListeningPorts = new HashSet<int> { 2379, 2380 },
        };

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PrepareHost, "etcd3"), (StepKind.ConfigureEtcdMember, "etcd3") }));
            Assert.That(plan.Steps[0].Reason, Does.StartWith("etcd.service runs without HaKube's unit (the default member Debian's etcd-server starts when installed): it is stopped and disabled, its data moved aside; "));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.AddEtcdMember, "etcd3") }));
            Assert.That(plan.Refusals, Is.Empty);
        });
    }

    [Test]
    public void Plan_DefaultMemberDataLeftOnAControlPlane_IsMovedAside()
    {
        var cluster = Clusters.Spec();
        var facts = Clusters.ConvergedFacts(cluster);
        facts["cp3"] = facts["cp3"] with { EtcdDefaultDataPresent = true };

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Single().Reason, Is.EqualTo("/var/lib/etcd/default holds the data of Debian's default etcd member: it is moved aside"));
    }

    [Test]
    public void Plan_MembersUnderTheFormerSystemdUnit_MovesOnePerPlanBehindTheGuard()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var host in cluster.Spec.Etcd.Hosts)
        {
            facts[host] = Former(facts[host]);
        }

        var plan = PlanOf(cluster, facts);

        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps.Where(s => s.Kind != StepKind.PrepareHost && s.Kind != StepKind.ConfigureEtcdMember).Select(Row),
                Is.EqualTo(new[] { (StepKind.MigrateEtcdMember, "etcd1") }));
            Assert.That(plan.Steps.Single(s => s.Kind == StepKind.MigrateEtcdMember).Reason, Is.EqualTo(
                "etcd on etcd1 runs under HaKube's former systemd unit (/etc/systemd/system/etcd.service), not as a kubeadm static pod: member etcd1 (1003) moves to /etc/kubernetes/manifests/etcd.yaml with its data and ID, the unit is stopped and removed; etcd restarts: 2 of 3 voting members stay healthy while it restarts (majority 2)"));
            Assert.That(plan.Deferred.Where(d => d.Kind == StepKind.MigrateEtcdMember).Select(d => d.Host), Is.EqualTo(new[] { "etcd2", "etcd3" }));
        });
    }

    [Test]
    public void Plan_FormerMemberWhileAnotherIsDown_IsRefusedByTheGuard()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        facts["etcd1"] = Former(facts["etcd1"]);
        facts["etcd3"] = HostFacts.Unreachable("etcd3", ProbeErrorKind.Unreachable, "no route to host", default);

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.MigrateEtcdMember));
        Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("etcd1", StepKind.MigrateEtcdMember, RefusalCause.QuorumGuard)));
        Assert.That(plan.Refusals.Single(r => r.Host == "etcd1").Detail, Does.Contain("majority of 2"));
    }

    [Test]
    public void Plan_FormerMemberAppliedToTheModel_EveryMemberMovesAndTheNextPlanIsEmpty()
    {
        var cluster = Clusters.Spec(EtcdTopology.External);
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var host in cluster.Spec.Etcd.Hosts)
        {
            facts[host] = Former(facts[host]);
        }

        var model = new HostModel(cluster, Clusters.Desired(cluster), facts);
        var moved = new List<string>();
        for (var round = 0; round < 10; round++)
        {
            var plan = PlanOf(cluster, new Dictionary<string, HostFacts>(model.Facts));
            if (plan.Steps.Count == 0)
            {
                break;
            }

            moved.AddRange(plan.Steps.Where(s => s.Kind == StepKind.MigrateEtcdMember).SelectMany(s => s.Hosts));
            model.Apply(plan);
        }

        Assert.Multiple(() =>
        {
            Assert.That(moved, Is.EqualTo(new[] { "etcd1", "etcd2", "etcd3" }));
            Assert.That(PlanOf(cluster, new Dictionary<string, HostFacts>(model.Facts)).IsConverged, Is.True);
        });
    }

    [Test]
    public void Plan_FreshControlPlanesWhileMembersRunTheFormerUnit_InitWaitsForTheirMove()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 0, loadBalancers: 0);
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var host in cluster.Spec.Etcd.Hosts)
        {
            facts[host] = Former(facts[host]);
        }

        foreach (var cp in cluster.Spec.ControlPlanes())
        {
            facts[cp.Name] = Clusters.PreparedNode(cp.Name, cluster.Spec, Clusters.Version) with { Files = facts[cp.Name].Files.With(KnownPaths.AdminConf, null).With(KnownPaths.KubeletConf, null) };
        }

        var plan = PlanOf(cluster, facts);

        Assert.That(plan.Steps.Select(s => s.Kind), Does.Not.Contain(StepKind.InitControlPlane));
        Assert.That(plan.Refusals.Select(r => r.What()), Does.Contain(Refused.On("cp1", StepKind.InitControlPlane, RefusalCause.Blocked)));
        Assert.That(plan.Refusals.Single(r => r.Step == StepKind.InitControlPlane).Detail, Does.Contain("etcd on etcd1, etcd2, etcd3"));
    }

    /// <summary>A member as an earlier HaKube built it: Debian's etcd under HaKube's unit, no kubelet or kubeadm, no static pod.</summary>
    private static HostFacts Former(HostFacts facts) => facts with
    {
        Files = facts.Files.With(KnownPaths.EtcdUnit, Clusters.Present(Clusters.Sha("former unit"), "644")).With(KnownPaths.EtcdManifest, null)
            .With(KnownPaths.EtcdKubeletDropIn, null).With(KnownPaths.EtcdKubeletConfig, null).With(KnownPaths.EtcdKubeadmConfig, null),
        EtcdManifestRecord = null,
        Services = facts.Services.With("etcd", ServiceState.Active).With("kubelet", ServiceState.Inactive),
        Versions = KubeVersions.None,
        Programs = new HashSet<string>(facts.Programs.Where(p => p is not ("kubelet" or "kubeadm" or "crictl"))) { "etcd", "etcdctl" },
    };
}
