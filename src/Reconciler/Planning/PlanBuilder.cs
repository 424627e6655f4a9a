using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Planning;

/// <summary>
/// The plan under construction, and what the later phases ask about the earlier ones: is a step
/// planned on a host, was it refused there, will a host's files be in place once the plan ran.
/// </summary>
internal sealed class PlanBuilder(HaClusterSpec spec, IReadOnlyDictionary<string, HostFacts> facts, DesiredState desired, EndpointFacts? endpoint = null, IReadOnlyList<HostSpec>? departing = null)
{
    private readonly List<PlanStep> _steps = [];
    private readonly List<Refusal> _refusals = [];
    private readonly List<Deferral> _deferred = [];
    private readonly HashSet<(StepKind, string)> _planned = [];
    private readonly HashSet<(StepKind, string)> _blocked = [];

    public HaClusterSpec Spec => spec;

    /// <summary>Hosts HaKube set up that left the spec; their facts are among the others.</summary>
    public IReadOnlyList<HostSpec> Departing { get; } = (departing ?? []).Where(h => !PreviousMachine.IsKey(h.Name)).ToList();

    /// <summary>
    /// Previous machines of hosts replaced at a new address (named by <see cref="PreviousMachine.Key"/>,
    /// their facts among the others). Kept apart from <see cref="Departing"/>: the Node and the etcd
    /// member names they ran under now belong to the new machine, so no removal rule by name may see them.
    /// </summary>
    public IReadOnlyList<HostSpec> Previous { get; } = (departing ?? []).Where(h => PreviousMachine.IsKey(h.Name)).ToList();

    /// <summary>The etcd membership change this plan makes (kind and host), or null: there is at most one per plan.</summary>
    public string? MembershipChange { get; private set; }

    /// <summary>The external etcd member this plan restarts (its configuration, or its move to a static pod), or null: running members restart one at a time.</summary>
    public string? EtcdRestart { get; set; }

    /// <summary>Hosts whose etcd members the view matches: the spec's member hosts, then departing hosts of the same role.</summary>
    public IReadOnlyList<HostSpec> EtcdMemberHosts()
    {
        var role = spec.Etcd.Topology == EtcdTopology.Stacked ? HostRole.ControlPlane : HostRole.Etcd;
        return [.. spec.EtcdMembers(), .. Departing.Where(h => h.Roles.Contains(role))];
    }

    /// <summary>The steps planned so far.</summary>
    public IReadOnlyList<PlanStep> Steps => _steps;

    /// <summary>The refusals so far.</summary>
    public IReadOnlyList<Refusal> Refusals => _refusals;

    /// <summary>The user-provided load balancer as observed; null when not observed (HAProxy, or not asked).</summary>
    public EndpointFacts? Endpoint => endpoint;

    /// <summary>The host's facts when its probe succeeded; null for an unreachable or unprobed host, on which nothing is planned.</summary>
    public HostFacts? Reachable(string host) => facts.TryGetValue(host, out var f) && f.Reachable ? f : null;

    /// <summary>The host's facts whatever they say (null when the host was not probed at all).</summary>
    public HostFacts? Observed(string host) => facts.GetValueOrDefault(host);

    /// <summary>The files of <paramref name="host"/> that the step <paramref name="owner"/> writes.</summary>
    public IReadOnlyList<DesiredFile> DesiredFiles(string host, StepKind owner) =>
        desired.FilesOf(host).Where(f => f.Owner == owner).ToList();

    public void Step(StepKind kind, IReadOnlyList<string> hosts, string reason, bool changesEtcdMembership = false, ulong? etcdMember = null)
    {
        _steps.Add(new PlanStep(kind, hosts, reason, changesEtcdMembership) { EtcdMemberId = etcdMember });
        if (changesEtcdMembership)
        {
            MembershipChange ??= $"{kind} on {string.Join(", ", hosts)}";
        }

        foreach (var host in hosts)
        {
            _planned.Add((kind, host));
        }
    }

    public void Refuse(string? host, string reason) => _refusals.Add(new Refusal(host, reason));

    /// <summary>Refuses <paramref name="kind"/> on <paramref name="host"/>: later steps that need it there wait too.</summary>
    public void Refuse(StepKind kind, string host, string reason)
    {
        _blocked.Add((kind, host));
        _refusals.Add(new Refusal(host, $"{kind}: {reason}"));
    }

    public void Defer(StepKind kind, string host, string reason)
    {
        _blocked.Add((kind, host));
        _deferred.Add(new Deferral(host, kind, reason));
    }

    public bool IsPlanned(StepKind kind, string host) => _planned.Contains((kind, host));

    /// <summary>The step was refused or deferred on the host, so whatever needs it waits.</summary>
    public bool IsBlocked(StepKind kind, string host) => _blocked.Contains((kind, host));

    /// <summary>
    /// The plan, with PullImages placed before the first kubeadm init or join: the images of the
    /// spec's version pulled on every host that joins in this plan, under their own budget, so that
    /// kubeadm's own waits are not spent on downloads.
    /// </summary>
    public Plan Build()
    {
        var steps = _steps.ToList();
        var first = steps.FindIndex(s => PullsImages.Contains(s.Kind));
        if (first >= 0)
        {
            var hosts = steps.Where(s => PullsImages.Contains(s.Kind)).SelectMany(s => s.Hosts).Distinct(StringComparer.Ordinal).ToList();
            steps.Insert(first, new PlanStep(StepKind.PullImages, hosts,
                $"kubeadm {Wording.List(steps.Where(s => PullsImages.Contains(s.Kind)).Select(s => s.Kind == StepKind.InitControlPlane ? "init" : "join").Distinct())} follows on {Wording.List(hosts)}: the images of {spec.KubernetesVersion} are pulled first, where containerd lacks them", false));
        }

        return new(steps, _refusals.ToList()) { Deferred = _deferred.ToList() };
    }

    private static readonly HashSet<StepKind> PullsImages = [StepKind.InitControlPlane, StepKind.JoinControlPlane, StepKind.JoinWorker];
}
