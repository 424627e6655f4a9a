using System.Globalization;
using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// RenewControlPlaneCertificates (one control plane per plan: renewal restarts its static pods) and
/// UseRotatingKubeletCertificate. "Now" is when the probe saw the host, so the planner stays pure.
/// </summary>
internal static class CertificatePhase
{
    /// <summary>Files a running control plane gets from HaKube's store and replaces by renewal (restarting kube-apiserver), never by a plain push.</summary>
    public static readonly IReadOnlyList<string> RenewedInPlace = KnownPaths.ApiServerEtcdClientPair;

    public static void Plan(PlanBuilder plan, EtcdOutcome etcd)
    {
        RenewControlPlanes(plan, etcd);
        KubeletKubeconfigs(plan);
    }

    /// <summary>The certificate expires within the renewal window, seen from when the probe observed it.</summary>
    public static bool Due(HaClusterSpec spec, HostFacts facts, DateTimeOffset notAfter) =>
        notAfter <= facts.ObservedAt.AddDays(spec.CertificateRenewalDays);

    /// <summary>
    /// Where files HaKube rewrites are certificates that expire within the window: "renewal:" and
    /// each with its notAfter, to lead a reason; empty when none is (plain drift).
    /// </summary>
    public static string Renewal(HaClusterSpec spec, HostFacts facts, IEnumerable<DesiredFile> desired)
    {
        var due = desired
            .Select(d => (d.Path, NotAfter: facts.Files.GetValueOrDefault(d.Path)?.NotAfter))
            .Where(c => c.NotAfter is { } notAfter && Due(spec, facts, notAfter))
            .Select(c => $"{c.Path} expires {When(c.NotAfter!.Value)}")
            .ToList();
        return due.Count == 0 ? "" : $"renewal: {Wording.List(due)} (within spec.certificateRenewalDays, {spec.CertificateRenewalDays} days), reissued by HaKube; ";
    }

    private static void RenewControlPlanes(PlanBuilder plan, EtcdOutcome etcd)
    {
        var spec = plan.Spec;
        var controlPlanes = spec.ControlPlanes().Select(h => h.Name).ToList();
        var changingMembers = plan.MembershipChange is not null || controlPlanes.Any(h => plan.IsPlanned(StepKind.InitControlPlane, h) || plan.IsPlanned(StepKind.JoinControlPlane, h));
        string? renewing = null;
        foreach (var host in controlPlanes)
        {
            if (plan.Reachable(host) is not { ControlPlaneInitialized: true } facts)
            {
                continue;
            }

            var (expiring, reissued) = Needs(plan, facts);
            if (expiring is null && reissued is null)
            {
                continue;
            }

            var reason = string.Join("; ", new[] { expiring, reissued }.OfType<string>());
            if (renewing is not null)
            {
                plan.Defer(StepKind.RenewControlPlaneCertificates, host, $"{reason}; {renewing} renews in this plan, and control planes restart one at a time");
                continue;
            }

            if (plan.IsPlanned(StepKind.StartKubelet, host))
            {
                plan.Defer(StepKind.RenewControlPlaneCertificates, host, $"{reason}; the kubelet, which restarts the static pods, starts in this plan");
                continue;
            }

            if (!Wording.IsActive(facts, "kubelet"))
            {
                plan.Refuse(StepKind.RenewControlPlaneCertificates, host, RefusalCause.Degraded, $"{reason}, but the kubelet is {Wording.State(facts, "kubelet")}, and it " +
                    "is the kubelet that restarts the static pods");
                continue;
            }

            if (changingMembers)
            {
                plan.Defer(StepKind.RenewControlPlaneCertificates, host, $"{reason}; the etcd membership or the control planes change in this plan (init, join or " +
                    "removal), and renewal restarts control planes only once that is done");
                continue;
            }

            string restart;
            if (spec.Etcd.Topology == EtcdTopology.Stacked)
            {
                var guard = QuorumGuard.CheckRestart(etcd.View, host);
                if (!guard.Allowed)
                {
                    plan.Refuse(StepKind.RenewControlPlaneCertificates, host, RefusalCause.QuorumGuard, $"{reason}, but its static pods restart, etcd included, and {guard.Reason}");
                    continue;
                }

                restart = $"etcd restarts: {guard.Reason}";
            }
            else if (!etcd.Available)
            {
                plan.Refuse(StepKind.RenewControlPlaneCertificates, host, RefusalCause.Degraded, $"{reason}, but kube-apiserver would restart without an etcd to come back to: {etcd.Problem}");
                continue;
            }
            else
            {
                restart = "kube-apiserver restarts; etcd is external";
            }

            var serving = controlPlanes.Count(h => h != host && plan.Reachable(h) is { ControlPlaneInitialized: true } f && f.ListeningPorts.Contains(6443));
            var availability = serving == 0
                ? "no other control plane serves the API, so it is unavailable until this one is back"
                : $"{serving} other control plane(s) serve the API meanwhile";
            renewing = host;
            var action = expiring is null ? "the pair is written from the state store" : "kubeadm certs renew all";
            plan.Step(StepKind.RenewControlPlaneCertificates, [host], $"{reason}: {action}, then its static pods restart, one control plane at a time; {restart}; {availability}");
        }
    }

    /// <summary>What makes a renewal on this control plane necessary: certificates kubeadm renews that are due, and a reissued apiserver-etcd-client pair; null for each that does not.</summary>
    private static (string? Expiring, string? Reissued) Needs(PlanBuilder plan, HostFacts facts)
    {
        var spec = plan.Spec;
        var stacked = spec.Etcd.Topology == EtcdTopology.Stacked;
        var due = KnownPaths.KubeadmRenewable
            .Where(path => stacked || !KnownPaths.ExternalEtcdIssued.Contains(path))
            .Select(path => (Path: path, NotAfter: facts.Files.GetValueOrDefault(path)?.NotAfter))
            .Where(c => c.NotAfter is { } notAfter && Due(spec, facts, notAfter))
            .Select(c => $"{c.Path} expires {When(c.NotAfter!.Value)}")
            .ToList();
        var expiring = due.Count > 0 ? $"{Wording.List(due)} (within spec.certificateRenewalDays, {spec.CertificateRenewalDays} days)" : null;
        string? changed = null;
        if (!stacked)
        {
            var reissued = plan.DesiredFiles(facts.Host, StepKind.DistributeCertificateAuthorities)
                .Where(d => RenewedInPlace.Contains(d.Path) && !(facts.Files.TryGetValue(d.Path, out var have) && have.Present
                    && string.Equals(have.Sha256, d.Sha256, StringComparison.OrdinalIgnoreCase)))
                .Select(d => d.Path)
                .ToList();
            if (reissued.Count > 0)
            {
                var current = facts.Files.GetValueOrDefault(RenewedInPlace[0])?.NotAfter;
                changed = $"{Wording.List(reissued)} missing or not the pair HaKube's state store holds (reissued{(current is { } n ? $"; the host's expires {When(n)}" : "")})";
            }
        }

        return (expiring, changed);
    }

    private static void KubeletKubeconfigs(PlanBuilder plan)
    {
        var embedded = new List<(string Host, DateTimeOffset NotAfter)>();
        foreach (var host in plan.Spec.Hosts.Select(h => h.Name))
        {
            // An unfinished init is reset and run again rather than finished by hand.
            if (plan.Reachable(host) is { KubeadmInitUnfinished: false } facts && facts.Files.GetValueOrDefault(KnownPaths.KubeletConf) is { Present: true, NotAfter: { } notAfter })
            {
                embedded.Add((host, notAfter));
            }
        }

        if (embedded.Count > 0)
        {
            plan.Step(StepKind.UseRotatingKubeletCertificate, embedded.Select(e => e.Host).ToList(),
                $"{KnownPaths.KubeletConf} embeds its client certificate ({Wording.List(embedded.Select(e => $"{e.Host}: expires {When(e.NotAfter)}"))}), which kubeadm " +
                    $"certs renew never renews: it is pointed at the kubelet's rotating {KnownPaths.KubeletClientCurrent}");
        }
    }

    private static string When(DateTimeOffset notAfter) =>
        notAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
