using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// External etcd: UpdateEtcdServers points kubeadm-config and every control plane's --etcd-servers at
/// spec.etcd.hosts, which kubeadm writes once at init or join and never again. Only once every spec host is a
/// member and etcd has quorum; the control planes are updated one after the other in one step.
/// </summary>
internal static class EtcdServersPhase
{
    /// <summary>Steps that bring a spec etcd host closer to being a member.</summary>
    private static readonly StepKind[] Setup = [StepKind.PrepareHost, StepKind.ConfigureEtcdMember, StepKind.BootstrapEtcd, StepKind.AddEtcdMember, StepKind.StartEtcdMember];

    public static void Plan(PlanBuilder plan, EtcdOutcome etcd)
    {
        var spec = plan.Spec;
        if (spec.Etcd.Topology != EtcdTopology.External)
        {
            return;
        }

        var desired = spec.EtcdClientUrls();
        var stale = ApiServers(plan).Where(a => !SameSet(a.Servers, desired)).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        var wanted = $"spec.etcd.hosts are at {Wording.List(desired)}";
        var notMembers = spec.EtcdMembers().Select(h => h.Name).Where(h => etcd.View.MemberOf(h) is null).ToList();
        var joining = notMembers.Any(h => Setup.Any(kind => plan.IsPlanned(kind, h)));
        var renewing = spec.ControlPlanes().Select(h => h.Name).FirstOrDefault(h => plan.IsPlanned(StepKind.RenewControlPlaneCertificates, h));
        var ready = new List<string>();
        foreach (var (facts, servers) in stale)
        {
            var host = facts.Host;
            var reason = $"kube-apiserver on {host} looks for etcd at {Wording.List(servers)}, but {wanted}";
            if (notMembers.Count > 0 && joining)
            {
                plan.Defer(StepKind.UpdateEtcdServers, host, $"{reason}; {Wording.List(notMembers)} must join the etcd cluster first (set up in this plan), so that no " +
                    "control plane is pointed at a member that is not there");
            }
            else if (notMembers.Count > 0)
            {
                plan.Refuse(StepKind.UpdateEtcdServers, host, RefusalCause.Blocked, $"{reason}, and {Wording.List(notMembers)} is not an etcd member yet (see its own " +
                    "refusals): no control plane is pointed at a member that is not there");
            }
            else if (!etcd.Available || !etcd.View.HasQuorum)
            {
                plan.Refuse(StepKind.UpdateEtcdServers, host, RefusalCause.Degraded, $"{reason}, and its kube-apiserver would restart without an etcd to come back to: " +
                    $"{etcd.Problem ?? "etcd has no quorum"}");
            }
            else if (plan.MembershipChange is { } change)
            {
                plan.Defer(StepKind.UpdateEtcdServers, host, $"{reason}; {change} in this plan, and the control planes follow the membership once it is settled");
            }
            else if (renewing is not null)
            {
                plan.Defer(StepKind.UpdateEtcdServers, host, $"{reason}; {renewing} renews its certificates in this plan, and control planes restart one at a time");
            }
            else if (!Wording.IsActive(facts, "kubelet"))
            {
                plan.Refuse(StepKind.UpdateEtcdServers, host, RefusalCause.Degraded, $"{reason}, but the kubelet is {Wording.State(facts, "kubelet")}, and it is the " +
                    "kubelet that restarts kube-apiserver on the new manifest");
            }
            else
            {
                ready.Add(host);
            }
        }

        if (ready.Count > 0)
        {
            plan.Step(StepKind.UpdateEtcdServers, ready,
                $"kube-apiserver on {Wording.List(ready)} looks for etcd elsewhere than spec.etcd.hosts ({Wording.List(desired)}, every one a healthy member): " +
                    "kubeadm-config's etcd.external.endpoints updated, then each control plane's --etcd-servers, one at a time, each waiting for its API server to be ready");
        }
    }

    /// <summary>The spec's reachable, initialized control planes whose probe read kube-apiserver's --etcd-servers, with that list.</summary>
    public static IEnumerable<(HostFacts Facts, IReadOnlyList<string> Servers)> ApiServers(PlanBuilder plan) =>
        plan.Spec.ControlPlanes()
            .Select(h => plan.Reachable(h.Name))
            .Where(f => f is { ControlPlaneInitialized: true, ApiServerEtcdServers: not null })
            .Select(f => (f!, f!.ApiServerEtcdServers!));

    /// <summary>The same endpoints, in any order (etcd's client balances over them; order carries no meaning).</summary>
    public static bool SameSet(IReadOnlyList<string> have, IReadOnlyList<string> want) =>
        have.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(want);
}
