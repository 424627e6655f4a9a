using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;
using HaKube.Model.Status;

namespace HaKube.Tests.Model.Status;

[TestFixture]
public sealed class StatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Observed_HostDownAndStepsPlanned_DegradedWithReasons()
    {
        var cluster = Cluster();
        var facts = new[] { Up("cp1"), HostFacts.Unreachable("w1", ProbeErrorKind.Unreachable, "connection refused", Now) };
        var plan = new Plan([new PlanStep(StepKind.PrepareHost, ["cp1"], "kubeadm is not installed")], [new Refusal("w1", null, RefusalCause.HostUnreachable, "unreachable")]);

        var status = StatusBuilder.Observed(cluster, facts, plan, observeOnly: false, previous: null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo(ClusterPhase.Degraded));
            Assert.That(Reason(status, ConditionTypes.HostsReachable), Is.EqualTo(ConditionReasons.HostsUnreachable));
            Assert.That(Conditions.Get(status.Conditions, ConditionTypes.HostsReachable)!.Message, Does.Contain("w1").And.Contain("connection refused"));
            Assert.That(Reason(status, ConditionTypes.Ready), Is.EqualTo(ConditionReasons.StepsPending));
            Assert.That(Reason(status, ConditionTypes.Paused), Is.EqualTo(ConditionReasons.Active));
            Assert.That(status.Hosts.Select(h => (h.Name, h.Reachable)), Is.EqualTo(new[] { ("cp1", true), ("w1", false) }));
            Assert.That(status.Plan.Single().Reason, Is.EqualTo("kubeadm is not installed"));
            Assert.That(status.ReadyHosts, Is.EqualTo("0/2"));
            Assert.That(status.Refusals, Is.EqualTo(new[] { new RefusalStatus { Host = "w1", Action = null, Cause = "HostUnreachable", Message = "unreachable" } }));
        });
    }

    [Test]
    public void Observed_UnmanagedNodes_ReportedAndKeptWhenTheNextPassCouldNotListNodes()
    {
        var cluster = Cluster();
        var facts = new[] { Up("cp1"), Up("w1") };

        var listed = StatusBuilder.Observed(cluster, facts, Plan.Empty with { UnmanagedNodes = ["byhand"] }, false, null, Now);
        var unlisted = StatusBuilder.Observed(cluster, facts, Plan.Empty, false, listed, Now.AddMinutes(1));
        var none = StatusBuilder.Observed(cluster, facts, Plan.Empty with { UnmanagedNodes = [] }, false, unlisted, Now.AddMinutes(2));

        Assert.Multiple(() =>
        {
            Assert.That(listed.UnmanagedNodes, Is.EqualTo(new[] { "byhand" }));
            Assert.That(unlisted.UnmanagedNodes, Is.EqualTo(new[] { "byhand" }), "a pass without a Node list keeps the last one");
            Assert.That(none.UnmanagedNodes, Is.Empty);
        });
    }

    [Test]
    public void Observed_CertificatesOnAHost_ListsEachWithItsNotAfterAndFlagsTheOneWithinTheWindow()
    {
        var cluster = Cluster();
        FileFact Cert(DateTimeOffset? notAfter) => new(true, "ab", "644", 0, 0, 100, notAfter);
        var cp1 = Up("cp1") with
        {
            Files = new Dictionary<string, FileFact>
            {
                ["/etc/kubernetes/pki/apiserver.crt"] = Cert(Now.AddDays(12)),
                ["/etc/kubernetes/admin.conf"] = Cert(Now.AddDays(300)),
                ["/etc/kubernetes/pki/ca.key"] = Cert(null),
            },
        };

        var status = StatusBuilder.Observed(cluster, [cp1, Up("w1")], Plan.Empty, observeOnly: false, previous: null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(status.Hosts[0].Certificates.Select(c => (c.Path, c.NotAfter)), Is.EqualTo(new[]
            {
                ("/etc/kubernetes/admin.conf", Now.AddDays(300)),
                ("/etc/kubernetes/pki/apiserver.crt", Now.AddDays(12)),
            }));
            Assert.That(status.Hosts[0].CertificatesNotAfter, Is.EqualTo(Now.AddDays(12)));
            Assert.That(status.Hosts[1].Certificates, Is.Empty);
            Assert.That(Reason(status, ConditionTypes.CertificatesValid), Is.EqualTo(ConditionReasons.ExpiringSoon));
        });
    }

    [Test]
    public void Observed_PreviousConditionSameStatus_TransitionTimeKept()
    {
        var cluster = Cluster();
        var facts = new[] { Up("cp1"), Up("w1") };
        var earlier = StatusBuilder.Observed(cluster, facts, Plan.Empty, false, null, Now.AddHours(-1));

        var status = StatusBuilder.Observed(cluster, facts, Plan.Empty, false, earlier, Now);

        Assert.That(Conditions.Get(status.Conditions, ConditionTypes.HostsReachable)!.LastTransitionTime, Is.EqualTo(Now.AddHours(-1)));
    }

    [Test]
    public void Observed_Paused_PhasePausedAndPlanStillShown()
    {
        var cluster = Cluster(paused: true);
        var plan = new Plan([new PlanStep(StepKind.PrepareHost, ["cp1"], "not prepared")], []);

        var status = StatusBuilder.Observed(cluster, [Up("cp1"), Up("w1")], plan, false, null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo(ClusterPhase.Paused));
            Assert.That(Reason(status, ConditionTypes.Paused), Is.EqualTo(ConditionReasons.PausedBySpec));
            Assert.That(status.Plan, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void Observed_PausedAndConverged_PhasePausedWhileReadyStaysTrue()
    {
        var status = StatusBuilder.Observed(Cluster(paused: true), [Converged("cp1", controlPlane: true), Converged("w1")], Plan.Empty, false, null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo(ClusterPhase.Paused));
            Assert.That(Conditions.Get(status.Conditions, ConditionTypes.Ready)!.Status, Is.EqualTo(ConditionStatus.True), "the hosts match the manifest");
            Assert.That(Reason(status, ConditionTypes.Paused), Is.EqualTo(ConditionReasons.PausedBySpec));
        });
    }

    [Test]
    public void Observed_DryRunAndConverged_PhasePausedReasonObserveOnly()
    {
        var status = StatusBuilder.Observed(Cluster(), [Converged("cp1", controlPlane: true), Converged("w1")], Plan.Empty, true, null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(status.Phase, Is.EqualTo(ClusterPhase.Paused));
            Assert.That(Reason(status, ConditionTypes.Paused), Is.EqualTo(ConditionReasons.ObserveOnly));
        });
    }

    [Test]
    public void Observed_UnpausedAndConverged_PhaseReady()
    {
        var status = StatusBuilder.Observed(Cluster(), [Converged("cp1", controlPlane: true), Converged("w1")], Plan.Empty, false, null, Now);

        Assert.That(status.Phase, Is.EqualTo(ClusterPhase.Ready), string.Join("; ", status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Message}")));
    }

    // A host as a converged cluster's probe shows it: a certificate far from expiry; a control plane
    // initialized, serving 6443 and running a healthy stacked etcd member.
    private static HostFacts Converged(string host, bool controlPlane = false)
    {
        var certificate = new FileFact(true, "ab", "644", 0, 0, 100, Now.AddDays(300));
        var present = new FileFact(true, "cd", "600", 0, 0, 100, null);
        var files = new Dictionary<string, FileFact> { ["/etc/kubernetes/pki/ca.crt"] = certificate, [KnownPaths.KubeletConf] = present };
        if (!controlPlane)
        {
            return Up(host) with { Files = files };
        }

        files[KnownPaths.AdminConf] = present;
        return Up(host) with
        {
            Files = files,
            ListeningPorts = new HashSet<int> { 6443, 2379, 2380 },
            Etcd = new EtcdFacts(true, [new EtcdMember(1, host, ["https://10.0.0.1:2380"], ["https://10.0.0.1:2379"], false)], null),
        };
    }

    private static string? Reason(HaClusterStatus status, string type) => Conditions.Get(status.Conditions, type)?.Reason;

    private static HostFacts Up(string host) => new() { Host = host, Reachable = true, ObservedAt = Now };

    private static HaCluster Cluster(bool paused = false) => new()
    {
        ApiVersion = HaCluster.GroupVersion,
        Kind = HaCluster.KindName,
        Metadata = new ObjectMeta { Name = "demo" },
        Spec = new HaClusterSpec
        {
            KubernetesVersion = "v1.31.4",
            ControlPlaneEndpoint = new ControlPlaneEndpoint { Host = "api.demo.internal" },
            Ssh = new SshSpec(),
            Paused = paused,
            Hosts =
            [
                new HostSpec { Name = "cp1", Address = "10.0.0.1", Roles = [HostRole.ControlPlane] },
                new HostSpec { Name = "w1", Address = "10.0.0.2", Roles = [HostRole.Worker] },
            ],
        },
    };
}
