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
/// A joined node (kubelet.conf present) whose Kubernetes packages are at another version is
/// refused, not prepared: installing other packages under a running node is an upgrade, which
/// takes kubeadm upgrade and drains, and the planner does not plan upgrades.
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
                var versions = VersionDrift(facts, spec.KubernetesVersion);
                if (versions.Count > 0 && facts.KubeletConfigured && versions.Any(v => !v.Missing))
                {
                    plan.Refuse(StepKind.PrepareHost, host.Name,
                        $"{Wording.List(versions.Select(v => v.Text))} on a joined node: changing Kubernetes packages under a running node is an upgrade (kubeadm upgrade, drain), which HaKube does not plan");
                    continue;
                }

                reasons.AddRange(versions.Select(v => v.Text));
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

    private static List<(string Text, bool Missing)> VersionDrift(HostFacts facts, string wanted)
    {
        var drift = new List<(string, bool)>();
        foreach (var (name, have) in new[] { ("kubelet", facts.Versions.Kubelet), ("kubeadm", facts.Versions.Kubeadm), ("kubectl", facts.Versions.Kubectl) })
        {
            if (have is null)
            {
                drift.Add(($"{name} not installed, spec wants {wanted}", true));
            }
            else if (!SameVersion(have, wanted))
            {
                drift.Add(($"{name} {have} installed, spec wants {wanted}", false));
            }
        }

        return drift;
    }

    // Binaries may print build suffixes ("v1.31.4+abc"); the release is what counts.
    private static bool SameVersion(string have, string wanted) =>
        have == wanted || (have.StartsWith(wanted, StringComparison.Ordinal) && have.Length > wanted.Length && have[wanted.Length] is '+' or '-');
}
