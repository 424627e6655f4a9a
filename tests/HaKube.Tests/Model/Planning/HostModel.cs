using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// A model of the hosts for convergence tests: each step's effect written into the facts the
/// next probe would see, as the actions promise (every action checks its post-condition).
/// Unreachable hosts stay unreachable and unchanged. After each step etcd "settles": the members
/// whose etcd runs are healthy exactly when they are a majority of the voting membership.
/// Departing hosts (left the spec) are removed by the removal steps whether they answer or not:
/// their member leaves every member's list, a reachable one is reset, and the host is forgotten.
/// Spec hosts whose roles changed (<see cref="SetUpRoles"/>, as the inventory remembers them) have
/// each old role removed by its step: only that role's traces go (HAProxy stopped, kubeadm reset,
/// etcd stopped), and the inventory drops the role, as <see cref="ClusterInventory.Retire"/> does.
/// </summary>
internal sealed class HostModel(HaCluster cluster, DesiredState desired, IReadOnlyDictionary<string, HostFacts> facts, IReadOnlyList<HostSpec>? departing = null, IReadOnlyDictionary<string, IReadOnlyList<HostRole>>? setUpRoles = null)
{
    private static readonly HashSet<StepKind> Removals = [StepKind.RemoveWorker, StepKind.RemoveControlPlane, StepKind.RemoveEtcdMember, StepKind.RemoveLoadBalancer];

    private readonly Dictionary<string, HostFacts> _facts = new(facts);
    private readonly List<HostSpec> _departing = [.. departing ?? []];
    private readonly Dictionary<string, IReadOnlyList<HostRole>> _setUp = new(setUpRoles ?? new Dictionary<string, IReadOnlyList<HostRole>>());

    private HaClusterSpec Spec => cluster.Spec;

    public IReadOnlyDictionary<string, HostFacts> Facts => _facts;

    /// <summary>Departing hosts not removed yet.</summary>
    public IReadOnlyList<HostSpec> Departing => _departing;

    /// <summary>The roles set up on spec hosts whose roles changed, until the change is done (as the inventory keeps them).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles => _setUp;

    public void Apply(Plan plan)
    {
        foreach (var step in plan.Steps)
        {
            Apply(step);
        }
    }

    public void Apply(PlanStep step)
    {
        if (Removals.Contains(step.Kind))
        {
            foreach (var host in step.Hosts)
            {
                if (_departing.FirstOrDefault(h => h.Name == host) is { } leaving)
                {
                    Remove(leaving);
                }
                else
                {
                    Retire(host, step.Kind);
                }
            }

            Settle();
            return;
        }

        if (step.Kind == StepKind.RemoveStaleEtcdMember)
        {
            Shrink(step.EtcdMemberId!.Value);
            Settle();
            return;
        }

        foreach (var host in step.Hosts)
        {
            if (!_facts[host].Reachable)
            {
                throw new InvalidOperationException($"{step.Kind} on unreachable {host}");
            }

            ApplyOn(step.Kind, host);
        }

        Settle();
    }

    private void ApplyOn(StepKind kind, string host)
    {
        var roles = Spec.Hosts.Single(h => h.Name == host).Roles;
        var stacked = Spec.Etcd.Topology == EtcdTopology.Stacked;
        switch (kind)
        {
            case StepKind.PrepareHost:
                var v = Spec.KubernetesVersion;
                if ((roles.Contains(HostRole.ControlPlane) || Spec.Etcd.Hosts.Contains(host)) && !_facts[host].IsPresent(KnownPaths.EtcdUnit))
                {
                    // Debian's default etcd member stopped, its data moved aside.
                    Update(host, f => f with { EtcdDefaultDataPresent = false, Services = f.Services.With("etcd", ServiceState.Inactive) });
                }

                if (roles.Contains(HostRole.ControlPlane) || roles.Contains(HostRole.Worker))
                {
                    Update(host, f => Clusters.Prepared(f, Spec, node: true) with
                    {
                        Prerequisites = new NodePrerequisites(false, true, true, true),
                        Versions = f.KubeletConfigured ? f.Versions : new KubeVersions(v, v, v),
                        Services = f.Services.With("containerd", ServiceState.Active),
                    });
                    Write(host, kind);
                }
                else if (Spec.Etcd.Topology == EtcdTopology.External && Spec.Etcd.Hosts.Contains(host))
                {
                    Update(host, f => Clusters.Prepared(f, Spec, node: false) with
                    {
                        Prerequisites = (f.Prerequisites ?? new NodePrerequisites(false, null, false, true)) with { SwapOn = false, ContainerdInstalled = true },
                        Versions = f.IsPresent(KnownPaths.EtcdManifest) || f.EtcdManifestRecord is not null ? f.Versions : new KubeVersions(v, v, null),
                        Services = f.Services.With("containerd", ServiceState.Active),
                    });
                    Write(host, kind);
                }

                if (roles.Contains(HostRole.LoadBalancer))
                {
                    Update(host, f => f with { Programs = new HashSet<string>(f.Programs) { "haproxy", "socat" } });
                }

                break;
            case StepKind.PullImages:
                break;
            case StepKind.ConfigureLoadBalancer:
                Write(host, kind);
                Update(host, f => f with { Services = f.Services.With("haproxy", ServiceState.Active) });
                break;
            case StepKind.ConfigureEtcdMember:
                Write(host, kind);
                if (_facts[host].IsPresent(KnownPaths.EtcdManifest))
                {
                    Update(host, Clusters.WithEtcdManifest); // rendered again where it was edited
                }

                break;
            case StepKind.MigrateEtcdMember:
                StartEtcd(host, Membership(), external: true);
                break;
            case StepKind.UpgradeEtcdMember:
                Update(host, f => f with { Versions = new KubeVersions(Spec.KubernetesVersion, Spec.KubernetesVersion, f.Versions.Kubectl) });
                Write(host, StepKind.ConfigureEtcdMember);
                Write(host, StepKind.PrepareHost);
                Update(host, Clusters.WithEtcdManifest);
                break;
            case StepKind.DistributeCertificateAuthorities:
                // A running control plane's apiserver-etcd-client pair is renewal's to replace.
                Write(host, kind, Facts[host].ControlPlaneInitialized ? KnownPaths.ApiServerEtcdClientPair : []);
                break;
            case StepKind.BootstrapEtcd:
                StartEtcd(host, [Clusters.Member(Spec, host)], external: true);
                break;
            case StepKind.AddEtcdMember:
                StartEtcd(host, Grow(host), external: true);
                break;
            case StepKind.StartEtcdMember:
                StartEtcd(host, Membership(), external: true);
                break;
            case StepKind.InitControlPlane or StepKind.JoinControlPlane:
                Update(host, f => f with
                {
                    Files = f.Files
                        .With(KnownPaths.AdminConf, Clusters.Present(Clusters.Sha(host + "admin.conf"), "600"))
                        .With(KnownPaths.KubeletConf, Clusters.Present(Clusters.Sha(host + "kubelet.conf"), "600")),
                    Services = f.Services.With("kubelet", ServiceState.Active),
                    StaticPodImages = Clusters.Images(Spec.KubernetesVersion),
                    ApiServerEtcdServers = Clusters.EtcdServers(Spec),
                    ListeningPorts = new HashSet<int>(f.ListeningPorts) { 6443 },
                });
                if (stacked)
                {
                    StartEtcd(host, kind == StepKind.InitControlPlane ? [Clusters.Member(Spec, host)] : Grow(host), external: false);
                }

                break;
            case StepKind.InstallPodNetwork:
                var files = Spec.ControlPlanes().SelectMany(h => desired.FilesOf(h.Name)).Where(f => f.Owner == kind).DistinctBy(f => f.Path);
                Update(host, f => f with { Files = files.Aggregate(f.Files, (all, d) => all.With(d.Path, Clusters.Present(d.Sha256, d.Mode))) });
                break;
            case StepKind.JoinWorker:
                Update(host, f => f with
                {
                    Files = f.Files.With(KnownPaths.KubeletConf, Clusters.Present(Clusters.Sha(host + "kubelet.conf"), "600")),
                    Services = f.Services.With("kubelet", ServiceState.Active),
                });
                break;
            case StepKind.UpgradeControlPlane or StepKind.UpgradeWorker:
                var target = Spec.KubernetesVersion;
                Update(host, f => f with
                {
                    Versions = new KubeVersions(target, target, target),
                    StaticPodImages = kind == StepKind.UpgradeControlPlane ? Clusters.Images(target) : f.StaticPodImages,
                    Files = f.Files.With(KnownPaths.UpgradeMarker, null),
                });
                Write(host, StepKind.PrepareHost); // the package source of the target's minor
                break;
            case StepKind.StartKubelet:
                Update(host, f => f with { Services = f.Services.With("kubelet", ServiceState.Active) });
                if (stacked && _facts[host] is { EtcdDataPresent: true, Etcd: null } && Spec.ControlPlanes().Any(h => h.Name == host))
                {
                    StartEtcd(host, Membership(), external: false); // the kubelet runs the etcd static pod again
                }

                break;
            case StepKind.RenewControlPlaneCertificates:
                // HaKube's apiserver-etcd-client pair written; what kubeadm renews gets a year.
                Update(host, f => f with
                {
                    Files = desired.FilesOf(host)
                        .Where(d => d.Owner == StepKind.DistributeCertificateAuthorities && d.Path.Contains("apiserver-etcd-client", StringComparison.Ordinal))
                        .Aggregate(f.Files, (all, d) => all.With(d.Path, Clusters.Present(d.Sha256, d.Mode)))
                        .Select(p => KnownPaths.KubeadmRenewable.Contains(p.Key) && p.Value.NotAfter is not null ? KeyValuePair.Create(p.Key, p.Value with { NotAfter = f.ObservedAt.AddDays(365) }) : p)
                        .ToDictionary(p => p.Key, p => p.Value),
                });
                break;
            case StepKind.UpdateEtcdServers:
                Update(host, f => f with { ApiServerEtcdServers = Clusters.EtcdServers(Spec) });
                break;
            case StepKind.ResetUnfinishedInit:
                if (stacked)
                {
                    Shrink(Clusters.Member(Spec, host).Id);
                }

                KubeadmReset(host, stacked);
                break;
            case StepKind.UseRotatingKubeletCertificate:
                Update(host, f => f with { Files = f.Files.With(KnownPaths.KubeletConf, Clusters.Present(Clusters.Sha(host + "kubelet.conf rotating"), "600")) });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private void Remove(HostSpec host)
    {
        Shrink(Clusters.Member(host).Id);
        if (_facts[host.Name].Reachable)
        {
            // kubeadm reset, or etcd stopped with its data moved aside: a machine as it comes.
            _facts[host.Name] = Clusters.Fresh(host.Name);
        }

        _departing.Remove(host);
    }

    /// <summary>A spec host gives up an old role: only that role's traces go, and the inventory drops it.</summary>
    private void Retire(string host, StepKind kind)
    {
        if (!_setUp.TryGetValue(host, out var roles) || !_facts[host].Reachable)
        {
            throw new InvalidOperationException($"{kind} on {host}, which has no old role to clean up or is unreachable");
        }

        var role = kind switch
        {
            StepKind.RemoveLoadBalancer => HostRole.LoadBalancer,
            StepKind.RemoveControlPlane => HostRole.ControlPlane,
            StepKind.RemoveEtcdMember => HostRole.Etcd,
            _ => HostRole.Worker,
        };
        var spec = Spec.Hosts.Single(h => h.Name == host);
        switch (role)
        {
            case HostRole.LoadBalancer:
                Update(host, f => f with { Services = f.Services.With("haproxy", ServiceState.Inactive), Files = f.Files.With(KnownPaths.HaproxyConfig, null) });
                break;
            case HostRole.Etcd:
                Shrink(Clusters.Member(spec).Id);
                Update(host, f => f with { Services = f.Services.With("etcd", ServiceState.Inactive), Etcd = null, EtcdDataPresent = false, ListeningPorts = Without(f.ListeningPorts, 2379, 2380) });
                break;
            default:
                var stackedMember = role == HostRole.ControlPlane && Spec.Etcd.Topology == EtcdTopology.Stacked;
                if (stackedMember)
                {
                    Shrink(Clusters.Member(spec).Id);
                }

                KubeadmReset(host, stackedMember);
                break;
        }

        var left = roles.Where(r => r != role).ToList();
        if (RoleChange.Between(left, spec.Roles).IsNone)
        {
            _setUp.Remove(host);
        }
        else
        {
            _setUp[host] = left;
        }
    }

    // kubeadm reset: its files, static pods and (stacked) etcd data gone, the kubelet stopped.
    private void KubeadmReset(string host, bool stackedMember) =>
        Update(host, f => f with
        {
            Files = f.Files.Where(p => !p.Key.StartsWith(KnownPaths.Kubernetes + "/", StringComparison.Ordinal) || p.Key.StartsWith(KnownPaths.HaKubeConfig + "/", StringComparison.Ordinal)).ToDictionary(),
            Services = f.Services.With("kubelet", ServiceState.Inactive),
            StaticPodImages = new Dictionary<string, string>(),
            ApiServerEtcdServers = null,
            ListeningPorts = stackedMember ? Without(f.ListeningPorts, 6443, 2379, 2380) : Without(f.ListeningPorts, 6443),
            Etcd = stackedMember ? null : f.Etcd,
            EtcdDataPresent = !stackedMember && f.EtcdDataPresent,
        });

    private static HashSet<int> Without(IReadOnlySet<int> ports, params int[] gone) => ports.Where(p => !gone.Contains(p)).ToHashSet();

    /// <summary>member remove: every running member forgets it.</summary>
    private void Shrink(ulong id)
    {
        foreach (var member in MemberHosts().Where(h => _facts[h] is { Reachable: true, Etcd: not null }))
        {
            Update(member, f => f with { Etcd = f.Etcd! with { Members = f.Etcd.Members.Where(m => m.Id != id).ToList() } });
        }
    }

    private void Write(string host, StepKind owner, IReadOnlyList<string>? except = null) =>
        Update(host, f => f with
        {
            Files = desired.FilesOf(host).Where(d => d.Owner == owner && !(except ?? []).Contains(d.Path)).Aggregate(f.Files, (all, d) => all.With(d.Path, Clusters.Present(d.Sha256, d.Mode))),
        });

    // An external member runs as a static pod of its standalone kubelet (a former unit, if any, is gone).
    private void StartEtcd(string host, IReadOnlyList<EtcdMember> members, bool external) =>
        Update(host, f =>
        {
            var started = f with
            {
                Services = external ? f.Services.With("kubelet", ServiceState.Active).With("etcd", ServiceState.Inactive) : f.Services,
                Files = external ? f.Files.With(KnownPaths.EtcdUnit, null) : f.Files,
                ListeningPorts = new HashSet<int>(f.ListeningPorts) { 2379, 2380 },
                Etcd = new EtcdFacts(false, members, null),
                EtcdDataPresent = true,
            };
            return external && !f.IsPresent(KnownPaths.EtcdManifest) ? Clusters.WithEtcdManifest(started) : started;
        });

    /// <summary>member add: every running member learns the grown membership.</summary>
    private List<EtcdMember> Grow(string host)
    {
        List<EtcdMember> grown = [.. Membership(), Clusters.Member(Spec, host)];
        foreach (var member in MemberHosts().Where(h => _facts[h] is { Reachable: true, Etcd: not null }))
        {
            Update(member, f => f with { Etcd = f.Etcd! with { Members = grown } });
        }

        return grown;
    }

    /// <summary>The membership as the members know it: a healthy member's list, else any member's.</summary>
    private List<EtcdMember> Membership()
    {
        var reports = MemberHosts().Select(h => _facts[h]).Where(f => f.Reachable && f.Etcd is { Members.Count: > 0 }).Select(f => f.Etcd!).ToList();
        var best = reports.FirstOrDefault(e => e.Healthy) ?? reports.FirstOrDefault();
        // A cluster stopped everywhere still has its membership, in the members' data.
        return best?.Members.ToList()
            ?? MemberHosts().Where(h => _facts[h] is { Reachable: true, EtcdDataPresent: true }).Select(MemberOf).ToList();
    }

    private IEnumerable<string> MemberHosts() => MemberSpecs().Select(h => h.Name);

    private IEnumerable<HostSpec> MemberSpecs()
    {
        var role = Spec.Etcd.Topology == EtcdTopology.Stacked ? HostRole.ControlPlane : HostRole.Etcd;
        var retiring = _setUp.Where(s => RoleChange.Between(s.Value, Spec.Hosts.Single(h => h.Name == s.Key).Roles).Retiring.Contains(role))
            .Select(s => Spec.Hosts.Single(h => h.Name == s.Key));
        return Spec.EtcdMembers().Concat(_departing.Where(h => h.Roles.Contains(role))).Concat(retiring);
    }

    private EtcdMember MemberOf(string host) => Clusters.Member(MemberSpecs().Single(h => h.Name == host));

    /// <summary>
    /// etcd's physics, for the members this model can see: every running member takes the
    /// membership it was given, and is healthy exactly when the running voters are a majority.
    /// Members that disagree (two clusters) are left as the probe saw them.
    /// </summary>
    private void Settle()
    {
        var running = MemberHosts().Where(h => _facts[h] is { Reachable: true, Etcd: not null }).ToList();
        var lists = running.Select(h => string.Join(",", _facts[h].Etcd!.Members.Select(m => m.Id).Order())).Distinct().Count();
        if (running.Count == 0 || lists > 1)
        {
            return;
        }

        var members = _facts[running[0]].Etcd!.Members;
        var voting = members.Where(m => !m.IsLearner).ToList();
        var up = voting.Count(m => running.Any(h => MemberOf(h).Id == m.Id && IsUp(h)));
        var quorum = up >= (voting.Count / 2) + 1;
        foreach (var host in running.Where(IsUp))
        {
            Update(host, f => f with { Etcd = f.Etcd! with { Healthy = quorum, Error = quorum ? null : "no quorum" } });
        }
    }

    // Stacked members are up while the facts say they answer; external ones while their kubelet runs
    // their manifest (or, not moved yet, HaKube's former unit runs them).
    private bool IsUp(string host) =>
        Spec.Etcd.Topology == EtcdTopology.Stacked || _facts[host].Services.GetValueOrDefault("etcd") == ServiceState.Active ||
        (_facts[host].Services.GetValueOrDefault("kubelet") == ServiceState.Active && _facts[host].IsPresent(KnownPaths.EtcdManifest));

    private void Update(string host, Func<HostFacts, HostFacts> change) => _facts[host] = change(_facts[host]);
}
