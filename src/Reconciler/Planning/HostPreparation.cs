using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Planning;

/// <summary>
/// PrepareHost: one step per reachable host that misses something its roles need.
/// <list type="bullet">
/// <item>ControlPlane and Worker: swap off, ip_forward 1, br_netfilter loaded, containerd installed
/// and active, kubelet/kubeadm/kubectl at spec.kubernetesVersion.</item>
/// <item>LoadBalancer (HAProxy): the haproxy program is installed.</item>
/// <item>Etcd (External): the etcd and etcdctl programs are installed.</item>
/// </list>
/// On a joined node (kubelet.conf present) the Kubernetes packages are not PrepareHost's:
/// changing them under a running node is an upgrade (kubeadm upgrade, drain, kubelet restart),
/// which <see cref="UpgradePhase"/> plans one host at a time; PrepareHost never changes them there.
/// </summary>
internal static class HostPreparation
{
    private static readonly string[] EtcdPrograms = ["etcd", "etcdctl"];

    public static void Plan(PlanBuilder plan)
    {
        var spec = plan.Spec;
        var loadBalancers = spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy ? spec.LoadBalancer.Hosts : [];
        var etcdHosts = spec.Etcd.Topology == EtcdTopology.External ? spec.Etcd.Hosts : [];
        foreach (var host in spec.Hosts)
        {
            if (plan.Reachable(host.Name) is not { } facts)
            {
                continue;
            }

            var reasons = new List<string>();
            if (host.Roles.Contains(HostRole.ControlPlane) || host.Roles.Contains(HostRole.Worker))
            {
                reasons.AddRange(NodePrerequisites(facts));
                if (!facts.KubeletConfigured)
                {
                    reasons.AddRange(VersionDrift(facts, spec.KubernetesVersion));
                }
            }

            if (loadBalancers.Contains(host.Name) && !facts.Programs.Contains("haproxy"))
            {
                reasons.Add("haproxy not installed");
            }

            var missingEtcd = EtcdPrograms.Where(p => !facts.Programs.Contains(p)).ToList();
            if (etcdHosts.Contains(host.Name) && missingEtcd.Count > 0)
            {
                reasons.Add($"{Wording.List(missingEtcd)} not installed");
            }

            if (reasons.Count > 0)
            {
                plan.Step(StepKind.PrepareHost, [host.Name], string.Join("; ", reasons));
            }
        }
    }

    private static IEnumerable<string> NodePrerequisites(HostFacts facts)
    {
        if (facts.Prerequisites is not { } p)
        {
            yield return "node prerequisites not reported by the probe";
            yield break;
        }

        if (p.SwapOn)
        {
            yield return "swap is on";
        }

        if (p.IpForward != true)
        {
            yield return p.IpForward is null ? "net.ipv4.ip_forward unreadable" : "net.ipv4.ip_forward is 0";
        }

        if (!p.BrNetfilter)
        {
            yield return "br_netfilter not loaded";
        }

        if (!p.ContainerdInstalled)
        {
            yield return "containerd not installed";
        }
        else if (!Wording.IsActive(facts, "containerd"))
        {
            yield return $"containerd {Wording.State(facts, "containerd")}";
        }
    }

    private static List<string> VersionDrift(HostFacts facts, string wanted)
    {
        var drift = new List<string>();
        foreach (var (name, have) in new[] { ("kubelet", facts.Versions.Kubelet), ("kubeadm", facts.Versions.Kubeadm), ("kubectl", facts.Versions.Kubectl) })
        {
            if (have is null)
            {
                drift.Add($"{name} not installed, spec wants {wanted}");
            }
            else if (!SameVersion(have, wanted))
            {
                drift.Add($"{name} {have} installed, spec wants {wanted}");
            }
        }

        return drift;
    }

    /// <summary>Binaries may print build suffixes ("v1.31.4+abc"); the release is what counts.</summary>
    public static bool SameVersion(string have, string wanted) =>
        have == wanted || (have.StartsWith(wanted, StringComparison.Ordinal) && have.Length > wanted.Length && have[wanted.Length] is '+' or '-');
}
