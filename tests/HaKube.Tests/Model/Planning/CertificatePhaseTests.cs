using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

public sealed class CertificatePhaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 14, 0, 0, TimeSpan.Zero);
    private const string ApiServerCrt = KnownPaths.Pki + "/apiserver.crt";
    private const string EtcdServerCrt = KnownPaths.Pki + "/etcd/server.crt";

    private static (StepKind, string) Row(PlanStep step) => (step.Kind, string.Join(",", step.Hosts));

    /// <summary>A converged cluster as the probe saw it at <see cref="Now"/>, every renewable certificate with a year left, 6443 served everywhere.</summary>
    private static Dictionary<string, HostFacts> Converged(HaCluster cluster)
    {
        var facts = Clusters.ConvergedFacts(cluster);
        foreach (var (name, f) in facts.ToList())
        {
            var files = f.Files;
            var controlPlane = cluster.Spec.ControlPlanes().Any(h => h.Name == name);
            if (controlPlane)
            {
                foreach (var path in KnownPaths.KubeadmRenewable.Where(p => cluster.Spec.Etcd.Topology == EtcdTopology.Stacked || !KnownPaths.ExternalEtcdIssued.Contains(p)))
                {
                    var existing = files.GetValueOrDefault(path) ?? Clusters.Present(Clusters.Sha(name + path), "600");
                    files = files.With(path, existing with { NotAfter = Now.AddDays(365) });
                }
            }

            facts[name] = f with
            {
                ObservedAt = Now,
                Files = files,
                ListeningPorts = controlPlane ? new HashSet<int>(f.ListeningPorts) { 6443 } : f.ListeningPorts,
            };
        }

        return facts;
    }

    private static void Expire(Dictionary<string, HostFacts> facts, string host, string path, DateTimeOffset notAfter) =>
        facts[host] = facts[host] with { Files = facts[host].Files.With(path, facts[host].Files[path] with { NotAfter = notAfter }) };

    [Test]
    public void Plan_CertificatesWithAYearLeft_IsConverged()
    {
        var cluster = Clusters.Spec();

        var plan = Planner.Plan(cluster, Converged(cluster), Clusters.Desired(cluster));

        Assert.That(plan.IsConverged, Is.True, string.Join("\n", plan.Steps.Concat<object>(plan.Refusals)));
    }

    [Test]
    public void Plan_CertificateExpiresOneSecondAfterTheWindow_PlansNothing()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(30).AddSeconds(1));

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.IsConverged, Is.True, string.Join("\n", plan.Steps));
    }

    [Test]
    public void Plan_CertificateExpiresExactlyAtTheWindow_RenewsNamingTheCertificateAndItsNotAfter()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(30));

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RenewControlPlaneCertificates, "cp1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[0].Reason, Does.StartWith("/etc/kubernetes/pki/apiserver.crt expires 2026-12-29 14:00 UTC (within spec.certificateRenewalDays, 30 days)"));
            Assert.That(plan.Steps[0].Reason, Does.Contain("2 of 3 voting members").And.Contain("(majority 2)"));
            Assert.That(plan.Steps[0].ChangesEtcdMembership, Is.False);
        });
    }

    [Test]
    public void Plan_RenewalDaysFromTheSpec_DecideWhatIsDue()
    {
        var cluster = Clusters.Spec();
        cluster = cluster with { Spec = cluster.Spec with { CertificateRenewalDays = 10 } };
        var facts = Converged(cluster);
        Expire(facts, "cp1", KnownPaths.AdminConf, Now.AddDays(20));
        Expire(facts, "cp2", KnownPaths.AdminConf, Now.AddDays(9));

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RenewControlPlaneCertificates, "cp2") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("/etc/kubernetes/admin.conf expires").And.Contain("10 days"));
    }

    [Test]
    public void Plan_EveryControlPlaneExpiring_RenewsOneAndDefersTheOthers()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        foreach (var cp in new[] { "cp1", "cp2", "cp3" })
        {
            Expire(facts, cp, EtcdServerCrt, Now.AddDays(5));
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RenewControlPlaneCertificates, "cp1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[]
            {
                (StepKind.RenewControlPlaneCertificates, "cp2"), (StepKind.RenewControlPlaneCertificates, "cp3"),
            }));
            Assert.That(plan.Deferred[0].Reason, Does.Contain("cp1 renews in this plan"));
        });
    }

    [Test]
    public void Plan_StackedRestartWouldLoseQuorum_RefusesWithTheGuardsReason()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(3));
        facts["cp2"] = facts["cp2"] with { Etcd = facts["cp2"].Etcd! with { Healthy = false, Error = "context deadline exceeded" } };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Where(s => s.Kind == StepKind.RenewControlPlaneCertificates), Is.Empty);
        var refusal = plan.Refusals.Single(r => r.Host == "cp1");
        Assert.That(refusal.What(), Is.EqualTo(Refused.On("cp1", StepKind.RenewControlPlaneCertificates, RefusalCause.QuorumGuard)));
        Assert.That(refusal.Detail, Does.Contain("1 of 3 voting members").And.Contain("majority of 2"));
    }

    [Test]
    public void Plan_UnhealthyMemberExpiring_RenewsThere()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp2", ApiServerCrt, Now.AddDays(3));
        facts["cp2"] = facts["cp2"] with { Etcd = facts["cp2"].Etcd! with { Healthy = false, Error = "certificate has expired" } };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RenewControlPlaneCertificates, "cp2") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("not a healthy voting member, so restarting it cannot cost quorum"));
    }

    [Test]
    public void Plan_ControlPlaneJoinsInThisPlan_DefersRenewal()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(3));
        var members = facts["cp1"].Etcd!.Members.Where(m => m.Name != "cp3").ToList();
        foreach (var cp in new[] { "cp1", "cp2" })
        {
            facts[cp] = facts[cp] with { Etcd = facts[cp].Etcd! with { Members = members } };
        }

        facts["cp3"] = facts["cp3"] with
        {
            Files = facts["cp3"].Files.With(KnownPaths.AdminConf, null).With(KnownPaths.KubeletConf, null),
            Etcd = null,
            ListeningPorts = new HashSet<int>(),
        };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.PullImages, "cp3"), (StepKind.JoinControlPlane, "cp3") }));
        Assert.That(plan.Deferred.Single(d => d.Kind == StepKind.RenewControlPlaneCertificates).Host, Is.EqualTo("cp1"));
    }

    [Test]
    public void Plan_KubeletStoppedOnTheControlPlane_StartsItAndDefersRenewalThere()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(3));
        facts["cp1"] = facts["cp1"] with { Services = facts["cp1"].Services.With("kubelet", ServiceState.Failed) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Where(s => s.Kind == StepKind.RenewControlPlaneCertificates), Is.Empty);
        Assert.That(plan.Steps.Select(Row), Does.Contain((StepKind.StartKubelet, "cp1")));
        Assert.That(plan.Deferred.Single(d => d.Kind == StepKind.RenewControlPlaneCertificates).Reason, Does.Contain("the kubelet, which restarts the static pods, starts in this plan"));
    }

    [Test]
    public void Plan_AuthorityExpiring_IsNotRenewed()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp1", KnownPaths.Pki + "/ca.crt", Now.AddDays(3));

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.IsConverged, Is.True, string.Join("\n", plan.Steps));
    }

    [Test]
    public void Plan_ExternalEtcdCertificatesOnAControlPlane_AreLeftToHaKubesStore()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 1);
        var facts = Converged(cluster);
        facts["cp1"] = facts["cp1"] with { Files = facts["cp1"].Files.With(KnownPaths.Pki + "/apiserver-etcd-client.crt", facts["cp1"].Files[KnownPaths.Pki + "/apiserver-etcd-client.crt"] with { NotAfter = Now.AddDays(2) }) };

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.IsConverged, Is.True, string.Join("\n", plan.Steps));
    }

    [Test]
    public void Plan_ExternalApiServerEtcdClientReissued_RenewsOneControlPlaneInsteadOfPushingOrRefusing()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 1);
        var facts = Converged(cluster);
        var desired = Clusters.Desired(cluster);
        var reissued = new Dictionary<string, IReadOnlyList<DesiredFile>>(desired.Files);
        foreach (var cp in new[] { "cp1", "cp2", "cp3" })
        {
            reissued[cp] = desired.FilesOf(cp).Select(f => f.Path.Contains("apiserver-etcd-client", StringComparison.Ordinal) ? f with { Sha256 = Clusters.Sha("reissued" + f.Path) } : f).ToList();
        }

        var plan = Planner.Plan(cluster, facts, new DesiredState(reissued));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RenewControlPlaneCertificates, "cp1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Refusals, Is.Empty);
            Assert.That(plan.Steps[0].Reason, Does.Contain("apiserver-etcd-client.crt, /etc/kubernetes/pki/apiserver-etcd-client.key missing or not the pair HaKube's state store holds")
                .And.Contain("kube-apiserver restarts; etcd is external"));
            Assert.That(plan.Deferred.Select(d => d.Host), Is.EqualTo(new[] { "cp2", "cp3" }));
        });
    }

    [Test]
    public void Plan_ExternalMemberCertificatesReissued_RestartsOneMemberNamingTheExpiringCertificates()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 1);
        var facts = Converged(cluster);
        var desired = Clusters.Desired(cluster);
        var reissued = new Dictionary<string, IReadOnlyList<DesiredFile>>(desired.Files);
        foreach (var member in new[] { "etcd1", "etcd2", "etcd3" })
        {
            Expire(facts, member, EtcdServerCrt, Now.AddDays(15));
            reissued[member] = desired.FilesOf(member).Select(f => f.Path == EtcdServerCrt ? f with { Sha256 = Clusters.Sha("reissued" + member) } : f).ToList();
        }

        var plan = Planner.Plan(cluster, facts, new DesiredState(reissued));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.ConfigureEtcdMember, "etcd1") }));
        Assert.Multiple(() =>
        {
            Assert.That(plan.Steps[0].Reason, Does.StartWith("renewal: /etc/kubernetes/pki/etcd/server.crt expires 2026-12-14 14:00 UTC (within spec.certificateRenewalDays, 30 days), reissued by HaKube; /etc/kubernetes/pki/etcd/server.crt differs")
                .And.Contain("its static pod restarts: 2 of 3 voting members stay healthy"));
            Assert.That(plan.Deferred.Select(d => (d.Kind, d.Host)), Is.EqualTo(new[] { (StepKind.ConfigureEtcdMember, "etcd2"), (StepKind.ConfigureEtcdMember, "etcd3") }));
        });
    }

    [Test]
    public void Plan_ExternalEtcdWithoutQuorum_RefusesRenewal()
    {
        var cluster = Clusters.Spec(EtcdTopology.External, workers: 1);
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(3));
        foreach (var member in new[] { "etcd1", "etcd2" })
        {
            facts[member] = facts[member] with { Etcd = facts[member].Etcd! with { Healthy = false, Error = "no leader" } };
        }

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Where(s => s.Kind == StepKind.RenewControlPlaneCertificates), Is.Empty);
        Assert.That(plan.Refusals.Single(r => r.Host == "cp1").What(), Is.EqualTo(Refused.On("cp1", StepKind.RenewControlPlaneCertificates, RefusalCause.Degraded)));
    }

    [Test]
    public void Plan_KubeletConfWithEmbeddedCertificate_PointsEveryOneAtTheRotatingFileInOneStep()
    {
        var cluster = Clusters.Spec();
        var facts = Converged(cluster);
        Expire(facts, "cp2", KnownPaths.KubeletConf, Now.AddDays(200));
        Expire(facts, "w1", KnownPaths.KubeletConf, Now.AddDays(2));

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.UseRotatingKubeletCertificate, "cp2,w1") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("cp2: expires 2027-06-17 14:00 UTC, w1: expires 2026-12-01 14:00 UTC")
            .And.Contain("/var/lib/kubelet/pki/kubelet-client-current.pem"));
    }

    [Test]
    public void Plan_OnlyControlPlaneExpiring_SaysTheApiIsUnavailableMeanwhile()
    {
        var cluster = Clusters.Spec(controlPlanes: 1);
        var facts = Converged(cluster);
        Expire(facts, "cp1", ApiServerCrt, Now.AddDays(3));

        var plan = Planner.Plan(cluster, facts, Clusters.Desired(cluster));

        Assert.That(plan.Steps.Select(Row), Is.EqualTo(new[] { (StepKind.RenewControlPlaneCertificates, "cp1") }));
        Assert.That(plan.Steps[0].Reason, Does.Contain("the only member restarts").And.Contain("no other control plane serves the API"));
    }
}
