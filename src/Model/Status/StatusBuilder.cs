using System.Globalization;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Model.Status;

/// <summary>
/// Computes a cluster's status from one pass's facts and plan: pure, one small function per
/// condition, then the Ready summary and the phase. Earlier conditions are passed in only to keep
/// their lastTransitionTime; nothing here trusts what an earlier pass concluded.
/// </summary>
public static class StatusBuilder
{
    /// <summary>The status of a pass that probed and planned.</summary>
    /// <param name="cluster">The manifest's cluster.</param>
    /// <param name="facts">One entry per host of the spec.</param>
    /// <param name="plan">The plan for the hosts as observed (computed as if not paused, so it shows what would run).</param>
    /// <param name="observeOnly">The daemon changes nothing (--dry-run).</param>
    /// <param name="previous">The last status written, for transition times; null the first time.</param>
    /// <param name="now">The daemon clock.</param>
    public static HaClusterStatus Observed(HaCluster cluster, IReadOnlyList<HostFacts> facts, Plan plan, bool observeOnly, HaClusterStatus? previous, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(plan);
        var spec = cluster.Spec;
        var byHost = facts.ToDictionary(f => f.Host, StringComparer.Ordinal);
        HostFacts Of(string host) => byHost.GetValueOrDefault(host) ?? HostFacts.Unreachable(host, ProbeErrorKind.ProbeFailed, "not probed", now);

        var parts = new List<Condition>
        {
            HostsReachable(spec, Of, now),
            Paused(spec, observeOnly, now),
            EtcdHealthy(spec, Of, now),
            ControlPlaneAvailable(spec, Of, now),
            LoadBalancerReady(spec, Of, now),
            CertificatesValid(spec, Of, now),
        };
        var ready = Ready(parts, plan, now);
        var conditions = Conditions.Merge(previous?.Conditions ?? [], [ready, .. parts]);
        var busy = plan.Steps.SelectMany(s => s.Hosts).ToHashSet(StringComparer.Ordinal);
        return new HaClusterStatus
        {
            Phase = Phase(spec.Paused || observeOnly, ready, parts, plan),
            ReadyHosts = $"{spec.Hosts.Count(h => Of(h.Name).Reachable && !busy.Contains(h.Name))}/{spec.Hosts.Count}",
            Conditions = conditions,
            Hosts = spec.Hosts.Select(h => Host(h, Of(h.Name))).ToList(),
            Plan = [.. plan.Steps.Select(s => new PlanStepStatus { Action = s.Kind.ToString(), Hosts = s.Hosts, Reason = s.Reason }),
                    .. plan.Deferred.Select(d => new PlanStepStatus { Action = d.Kind.ToString(), Hosts = [d.Host], Reason = "next plan: " + d.Reason })],
            Refusals = [.. plan.Refusals.Select(r => new RefusalStatus { Host = r.Host, Action = r.Step?.ToString(), Cause = r.Cause.ToString(), Message = r.Detail })],
            // A pass whose Node listing failed keeps the last one seen.
            UnmanagedNodes = plan.UnmanagedNodes ?? previous?.UnmanagedNodes,
        };
    }

    /// <summary>
    /// The previous status with Ready False for <paramref name="reason"/> and the phase given: used when
    /// the manifest is invalid, a pass failed or was interrupted, or the manifest was deleted. Hosts and
    /// plan stay as last observed.
    /// </summary>
    public static HaClusterStatus WithProblem(HaClusterStatus? previous, ClusterPhase? phase, string reason, string message, DateTimeOffset now)
    {
        var status = previous ?? new HaClusterStatus { Phase = ClusterPhase.Pending };
        var readiness = reason == ConditionReasons.ManifestDeleted ? ConditionStatus.Unknown : ConditionStatus.False;
        var ready = Conditions.Make(ConditionTypes.Ready, readiness, reason, message, now, status.ObservedGeneration);
        return status with { Phase = phase ?? status.Phase, Conditions = Conditions.Set(status.Conditions, ready) };
    }

    private static Condition HostsReachable(HaClusterSpec spec, Func<string, HostFacts> of, DateTimeOffset now)
    {
        var down = spec.Hosts.Select(h => of(h.Name)).Where(f => !f.Reachable).ToList();
        return down.Count == 0
            ? Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.True, ConditionReasons.AllHostsReachable, $"{spec.Hosts.Count}/{spec.Hosts.Count} hosts probed", now, null)
            : Conditions.Make(ConditionTypes.HostsReachable, ConditionStatus.False, ConditionReasons.HostsUnreachable,
                string.Join("; ", down.Select(f => $"{f.Host}: {f.ErrorKind}: {f.Error}")), now, null);
    }

    private static Condition Paused(HaClusterSpec spec, bool observeOnly, DateTimeOffset now) => (spec.Paused, observeOnly) switch
    {
        (true, _) => Conditions.Make(ConditionTypes.Paused, ConditionStatus.True, ConditionReasons.PausedBySpec, "spec.paused is true: HaKube observes and changes nothing", now, null),
        (_, true) => Conditions.Make(ConditionTypes.Paused, ConditionStatus.True, ConditionReasons.ObserveOnly,
            "the daemon runs with --dry-run: it observes and plans, and changes nothing", now, null),
        _ => Conditions.Make(ConditionTypes.Paused, ConditionStatus.False, ConditionReasons.Active, "", now, null),
    };

    private static Condition EtcdHealthy(HaClusterSpec spec, Func<string, HostFacts> of, DateTimeOffset now)
    {
        var members = spec.EtcdMembers().Select(h => of(h.Name)).ToList();
        if (members.All(f => !f.Reachable))
        {
            return Conditions.Make(ConditionTypes.EtcdHealthy, ConditionStatus.Unknown, ConditionReasons.NotObserved, "no etcd member host was reachable", now, null);
        }

        if (members.All(f => f.Etcd is null))
        {
            return Conditions.Make(ConditionTypes.EtcdHealthy, ConditionStatus.False, ConditionReasons.EtcdNotRunning, "no member host runs etcd yet", now, null);
        }

        var bad = members.Where(f => f.Etcd is not { Healthy: true }).Select(f => f switch
        {
            { Reachable: false } => $"{f.Host}: unreachable",
            { Etcd: null } => $"{f.Host}: etcd not running",
            _ => $"{f.Host}: unhealthy: {f.Etcd.Error}",
        }).ToList();
        return bad.Count == 0
            ? Conditions.Make(ConditionTypes.EtcdHealthy, ConditionStatus.True, ConditionReasons.MembersHealthy, $"{members.Count}/{members.Count} members healthy", now, null)
            : Conditions.Make(ConditionTypes.EtcdHealthy, ConditionStatus.False, ConditionReasons.MembersUnhealthy, string.Join("; ", bad), now, null);
    }

    private static Condition ControlPlaneAvailable(HaClusterSpec spec, Func<string, HostFacts> of, DateTimeOffset now)
    {
        var planes = spec.ControlPlanes().Select(h => of(h.Name)).ToList();
        if (planes.All(f => !f.Reachable))
        {
            return Conditions.Make(ConditionTypes.ControlPlaneAvailable, ConditionStatus.Unknown, ConditionReasons.NotObserved, "no control plane was reachable", now, null);
        }

        var missing = planes.Where(f => !(f.Reachable && f.ControlPlaneInitialized && f.ListeningPorts.Contains(6443))).Select(f => f switch
        {
            { Reachable: false } => $"{f.Host}: unreachable",
            { ControlPlaneInitialized: false } => $"{f.Host}: not initialized or joined",
            _ => $"{f.Host}: nothing listens on 6443",
        }).ToList();
        return missing.Count == 0
            ? Conditions.Make(ConditionTypes.ControlPlaneAvailable, ConditionStatus.True, ConditionReasons.ApiServersListening, $"{planes.Count}/{planes.Count} control planes serve 6443", now, null)
            : Conditions.Make(ConditionTypes.ControlPlaneAvailable, ConditionStatus.False, ConditionReasons.ControlPlanesMissing, string.Join("; ", missing), now, null);
    }

    private static Condition LoadBalancerReady(HaClusterSpec spec, Func<string, HostFacts> of, DateTimeOffset now)
    {
        if (spec.LoadBalancer.Provider == LoadBalancerProvider.External)
        {
            return Conditions.Make(ConditionTypes.LoadBalancerReady, ConditionStatus.True, ConditionReasons.ExternalLoadBalancer,
                $"{spec.ControlPlaneEndpoint.Host} is the user's load balancer; HaKube does not check it", now, null);
        }

        var hosts = spec.LoadBalancer.Hosts.Select(of).ToList();
        var down = hosts.Where(f => !f.Reachable || f.Services.GetValueOrDefault("haproxy") != ServiceState.Active)
            .Select(f => f.Reachable ? $"{f.Host}: haproxy {f.Services.GetValueOrDefault("haproxy")}" : $"{f.Host}: unreachable").ToList();
        return down.Count == 0
            ? Conditions.Make(ConditionTypes.LoadBalancerReady, ConditionStatus.True, ConditionReasons.HaproxyRunning, $"haproxy active on {hosts.Count}/{hosts.Count} hosts", now, null)
            : Conditions.Make(ConditionTypes.LoadBalancerReady, ConditionStatus.False, ConditionReasons.HaproxyNotRunning, string.Join("; ", down), now, null);
    }

    private static Condition CertificatesValid(HaClusterSpec spec, Func<string, HostFacts> of, DateTimeOffset now)
    {
        var earliest = spec.Hosts.Select(h => of(h.Name))
            .Where(f => f.Reachable && f.EarliestCertificateExpiry is not null)
            .MinBy(f => f.EarliestCertificateExpiry);
        if (earliest?.EarliestCertificateExpiry is not { } notAfter)
        {
            return Conditions.Make(ConditionTypes.CertificatesValid, ConditionStatus.Unknown, ConditionReasons.NoCertificates, "no reachable host has certificates yet", now, null);
        }

        var when = $"{notAfter.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC on {earliest.Host}";
        if (notAfter <= now)
        {
            return Conditions.Make(ConditionTypes.CertificatesValid, ConditionStatus.False, ConditionReasons.Expired, $"a certificate expired {when}", now, null);
        }

        return notAfter <= now.AddDays(spec.CertificateRenewalDays)
            ? Conditions.Make(ConditionTypes.CertificatesValid, ConditionStatus.False, ConditionReasons.ExpiringSoon,
                $"a certificate expires {when}, within spec.certificateRenewalDays ({spec.CertificateRenewalDays})", now, null)
            : Conditions.Make(ConditionTypes.CertificatesValid, ConditionStatus.True, ConditionReasons.NotExpiring, $"earliest expiry {when}", now, null);
    }

    private static Condition Ready(IReadOnlyList<Condition> parts, Plan plan, DateTimeOffset now)
    {
        if (plan.Steps.Count > 0)
        {
            return Conditions.Make(ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.StepsPending, $"{plan.Steps.Count} step(s) pending, first: {plan.Steps[0]}", now, null);
        }

        if (plan.Refusals.Count > 0)
        {
            return Conditions.Make(ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.PlanRefused, string.Join("; ", plan.Refusals), now, null);
        }

        var notTrue = parts.Where(c => c.Type != ConditionTypes.Paused && c.Status != ConditionStatus.True).ToList();
        return notTrue.Count == 0
            ? Conditions.Make(ConditionTypes.Ready, ConditionStatus.True, ConditionReasons.Converged, "the hosts match the manifest", now, null)
            : Conditions.Make(ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.NotConverged, string.Join("; ", notTrue.Select(c => $"{c.Type} is {c.Status} ({c.Reason})")), now, null);
    }

    // A suspended object shows Paused whatever its hosts look like, as Flux and Cluster API show theirs;
    // the Ready condition still tells whether they match the manifest.
    private static ClusterPhase Phase(bool paused, Condition ready, IReadOnlyList<Condition> parts, Plan plan) => true switch
    {
        _ when paused => ClusterPhase.Paused,
        _ when ready.Status == ConditionStatus.True => ClusterPhase.Ready,
        _ when plan.Refusals.Count > 0 || parts.Any(c => c.Type == ConditionTypes.HostsReachable && c.Status != ConditionStatus.True) => ClusterPhase.Degraded,
        _ when plan.Steps.Count > 0 => ClusterPhase.Converging,
        _ => ClusterPhase.Degraded,
    };

    private static HostStatus Host(HostSpec spec, HostFacts facts) => new()
    {
        Name = spec.Name,
        Reachable = facts.Reachable,
        Error = facts.Error,
        Roles = spec.Roles.Select(r => r.ToString()).ToList(),
        KubeletVersion = facts.Versions.Kubelet,
        KubeadmVersion = facts.Versions.Kubeadm,
        EtcdMember = facts.Etcd?.Members.FirstOrDefault(m => m.Name == spec.Name) is { } member ? member.Id.ToString("x", CultureInfo.InvariantCulture) : null,
        CertificatesNotAfter = facts.EarliestCertificateExpiry,
        Certificates = facts.Files
            .Where(f => f.Value.NotAfter is not null)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new CertificateStatus { Path = f.Key, NotAfter = f.Value.NotAfter!.Value })
            .ToList(),
    };
}
