using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// PrepareHost: one step per reachable host that misses something its roles need (tools, kernel settings,
/// containerd, the Kubernetes packages and the files that keep them across a reboot). On a joined node the
/// packages are the upgrade's, not PrepareHost's.
/// </summary>
internal static class HostPreparation
{
    /// <summary>What a HAProxy host needs: socat speaks to HAProxy's runtime API (<c>LoadBalancerDrain</c>).</summary>
    private static readonly string[] LoadBalancerPrograms = ["haproxy", "socat"];

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
            var node = host.Roles.Contains(HostRole.ControlPlane) || host.Roles.Contains(HostRole.Worker);
            var etcdHost = etcdHosts.Contains(host.Name);
            if (host.Roles.Contains(HostRole.ControlPlane) || etcdHost)
            {
                reasons.AddRange(DefaultEtcdMember(facts));
            }

            if (node)
            {
                reasons.AddRange(Tools(facts, HostRequirements.NodeTools));
                reasons.AddRange(NodePrerequisites(facts));
                reasons.AddRange(Containerd(facts, spec));
                var settled = facts.KubeletConfigured;
                if (!settled)
                {
                    reasons.AddRange(VersionDrift(facts, spec.KubernetesVersion, ["kubelet", "kubeadm", "kubectl"]));
                }

                reasons.AddRange(Crictl(facts));
                reasons.AddRange(Files(plan, facts, settled));
            }
            else if (etcdHost)
            {
                reasons.AddRange(Tools(facts, HostRequirements.EtcdHostTools));
                if (facts.Prerequisites is { SwapOn: true })
                {
                    reasons.Add("swap is on (the kubelet that runs the etcd member refuses to start with it)");
                }

                reasons.AddRange(Containerd(facts, spec));
                var settled = MemberExists(facts);
                if (!settled)
                {
                    reasons.AddRange(VersionDrift(facts, spec.KubernetesVersion, ["kubelet", "kubeadm"]));
                }

                reasons.AddRange(Crictl(facts));
                reasons.AddRange(Files(plan, facts, settled));
            }

            if (loadBalancers.Contains(host.Name))
            {
                reasons.AddRange(LoadBalancerPrograms.Where(p => !facts.Programs.Contains(p)).Select(p => $"{p} not installed"));
            }

            if (reasons.Count > 0)
            {
                plan.Step(StepKind.PrepareHost, [host.Name], string.Join("; ", reasons));
            }
        }
    }

    /// <summary>An external etcd member exists on the host as a static pod (etcd.yaml, or the record of one HaKube rendered).</summary>
    public static bool MemberExists(HostFacts facts) =>
        facts.IsPresent(KnownPaths.EtcdManifest) || facts.EtcdManifestRecord is not null;

    /// <summary>The host still runs a member under HaKube's former systemd unit.</summary>
    public static bool HasFormerUnit(HostFacts facts) => facts.IsPresent(KnownPaths.EtcdUnit);

    private static IEnumerable<string> DefaultEtcdMember(HostFacts facts)
    {
        if (HasFormerUnit(facts))
        {
            yield break;
        }

        if (Wording.IsActive(facts, "etcd"))
        {
            yield return "etcd.service runs without HaKube's unit (the default member Debian's etcd-server starts when installed): it is stopped and disabled, its data moved aside";
        }
        else if (facts.EtcdDefaultDataPresent)
        {
            yield return $"{KnownPaths.EtcdDefaultData} holds the data of Debian's default etcd member: it is moved aside";
        }
    }

    private static IEnumerable<string> Tools(HostFacts facts, IReadOnlyList<(string Program, string Package)> tools)
    {
        var missing = tools.Where(t => !facts.Programs.Contains(t.Program)).Select(t => t.Program).ToList();
        if (!facts.CaBundlePresent)
        {
            missing.Add("ca-certificates");
        }

        if (missing.Count > 0)
        {
            yield return $"{Wording.List(missing)} not installed";
        }
    }

    // HaKube reaches the etcd container with crictl (snapshots); kubeadm 1.32+ no longer brings it.
    private static IEnumerable<string> Crictl(HostFacts facts)
    {
        if (!facts.Programs.Contains("crictl"))
        {
            yield return "crictl (cri-tools) not installed";
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
    }

    private static IEnumerable<string> Containerd(HostFacts facts, HaClusterSpec spec)
    {
        if (facts.Prerequisites is { ContainerdInstalled: false })
        {
            yield return "containerd not installed";
            yield break;
        }

        if (!Wording.IsActive(facts, "containerd"))
        {
            yield return $"containerd {Wording.State(facts, "containerd")}";
        }

        var pause = HostRequirements.PauseImage(spec);
        if (!facts.Containerd.ConfigPresent)
        {
            yield return $"{KnownPaths.ContainerdConfig} missing";
            yield break;
        }

        if (facts.Containerd.SystemdCgroup != true)
        {
            yield return "containerd's runc does not use the systemd cgroup driver (SystemdCgroup)";
        }

        if (facts.Containerd.SandboxImage != pause)
        {
            yield return $"containerd's pause image is {facts.Containerd.SandboxImage ?? "not set"}, kubeadm {spec.KubernetesVersion} expects {pause}";
        }

        if (spec.Images?.RegistryMirrors.Count > 0 && facts.Containerd.ConfigPath != KnownPaths.ContainerdCertsDirectory)
        {
            yield return $"containerd's registry config_path is {facts.Containerd.ConfigPath ?? "not set"}, the registry mirrors need {KnownPaths.ContainerdCertsDirectory}";
        }
    }

    /// <summary>PrepareHost's files; the package source of a settled host is the upgrade's while its kubeadm is not at the spec's version.</summary>
    private static IEnumerable<string> Files(PlanBuilder plan, HostFacts facts, bool settled)
    {
        var upgradeDue = settled && !(facts.Versions.Kubeadm is { } kubeadm && SameVersion(kubeadm, plan.Spec.KubernetesVersion));
        var desired = plan.DesiredFiles(facts.Host, StepKind.PrepareHost)
            .Where(d => !(upgradeDue && d.Path == KnownPaths.AptSource && facts.IsPresent(d.Path)))
            .ToList();
        foreach (var drift in FileDrift.Describe(facts, desired))
        {
            yield return drift;
        }

        // A downloaded key is the publisher's (presence only); a given key is a desired file, compared above.
        if (!plan.Spec.HasOwnPackageKey() && !facts.IsPresent(KnownPaths.AptKeyring))
        {
            yield return plan.Spec.Packages?.Repository is null
                ? $"{KnownPaths.AptKeyring} missing (the pkgs.k8s.io signing key)"
                : $"{KnownPaths.AptKeyring} missing (the signing key of {plan.Spec.PackageRepositoryUrl(plan.Spec.Version().MinorTag)})";
        }

        // Proxy files of an earlier spec.proxy would keep apt and containerd on a proxy the spec no longer names.
        if (plan.Spec.Proxy is null)
        {
            foreach (var stale in new[] { KnownPaths.AptProxy, KnownPaths.ContainerdProxyDropIn }.Where(facts.IsPresent))
            {
                yield return $"{stale} is left from a removed spec.proxy";
            }
        }
    }

    private static List<string> VersionDrift(HostFacts facts, string wanted, IReadOnlyList<string> packages)
    {
        var drift = new List<string>();
        var versions = new Dictionary<string, string?> { ["kubelet"] = facts.Versions.Kubelet, ["kubeadm"] = facts.Versions.Kubeadm, ["kubectl"] = facts.Versions.Kubectl };
        foreach (var name in packages)
        {
            var have = versions[name];
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
