using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;

namespace HaKube.Model.Planning;

/// <summary>
/// The plan under construction, and what the later phases ask about the earlier ones: is a step
/// planned on a host, was it refused there, will a host's files be in place once the plan ran.
/// </summary>
internal sealed class PlanBuilder(
    HaClusterSpec spec, IReadOnlyDictionary<string, HostFacts> facts, DesiredState desired, EndpointFacts? endpoint = null,
    IReadOnlyList<HostSpec>? departing = null, IReadOnlyDictionary<string, IReadOnlyList<HostRole>>? setUpRoles = null,
    IReadOnlyList<PreviousMachine>? previous = null)
{
    private static readonly StepKind[] CleanupKinds = [StepKind.RemoveLoadBalancer, StepKind.RemoveControlPlane, StepKind.RemoveEtcdMember, StepKind.RemoveWorker];

    private readonly List<PlanStep> _steps = [];
    private readonly List<Refusal> _refusals = [];
    private readonly List<Deferral> _deferred = [];
    private readonly HashSet<(StepKind, string)> _planned = [];
    private readonly HashSet<(StepKind, string)> _blocked = [];

    public HaClusterSpec Spec => spec;

    /// <summary>Hosts HaKube set up that left the spec; their facts are among the others.</summary>
    public IReadOnlyList<HostSpec> Departing { get; } = departing ?? [];

    /// <summary>
    /// Previous machines of hosts replaced at a new address (their facts among the others, under
    /// <see cref="PreviousMachine.Key"/>). Kept apart from <see cref="Departing"/>: the Node and the etcd
    /// member names they ran under now belong to the new machine, so no removal rule by name may see them.
    /// </summary>
    public IReadOnlyList<PreviousMachine> Previous { get; } = previous ?? [];

    /// <summary>
    /// Spec hosts whose roles changed, by name: the roles to clean up first, or why the change is
    /// refused (from the roles the inventory remembers HaKube set up; see <see cref="RoleChange"/>).
    /// </summary>
    /// <summary>The roles HaKube set up on <paramref name="host"/> (from the inventory) when they differ from the spec's; null otherwise.</summary>
    public IReadOnlyList<HostRole>? SetUpRoles(string host) => setUpRoles?.GetValueOrDefault(host);

    public IReadOnlyDictionary<string, RoleChange> RoleChanges { get; } = spec.Hosts
        .Where(h => setUpRoles is not null && setUpRoles.ContainsKey(h.Name))
        .Select(h => (h.Name, Change: RoleChange.Between(setUpRoles![h.Name], h.Roles)))
        .Where(c => !c.Change.IsNone)
        .ToDictionary(c => c.Name, c => c.Change, StringComparer.Ordinal);

    /// <summary>
    /// Spec hosts with old roles to clean up, each as a host with those roles only (at its spec
    /// address): removed by <see cref="MembershipPhase"/> like a departing host of those roles, but
    /// only while reachable (they stay in the spec; nothing is forgotten), and their new roles are set
    /// up once that is done.
    /// </summary>
    public IReadOnlyList<HostSpec> Retiring => spec.Hosts
        .Where(h => RoleChanges.TryGetValue(h.Name, out var c) && c.Retiring.Count > 0)
        .Select(h => new HostSpec { Name = h.Name, Address = h.Address, Roles = RoleChanges[h.Name].Retiring })
        .ToList();

    /// <summary>Hosts with roles to remove: the departing ones, then the spec hosts retiring old roles.</summary>
    public IReadOnlyList<HostSpec> Leaving => [.. Departing, .. Retiring];

    /// <summary>The host stays in the spec (a role change), as opposed to a departing one.</summary>
    public bool IsKept(string host) => spec.Hosts.Any(h => h.Name == host);

    /// <summary>
    /// The spec host still has old roles to clean up before its new ones are set up; with
    /// <paramref name="blocking"/>, only old roles it names count.
    /// </summary>
    public bool AwaitsCleanup(string host, Func<HostRole, bool>? blocking = null) =>
        RoleChanges.TryGetValue(host, out var c) && c.Retiring.Any(r => blocking?.Invoke(r) ?? true);

    /// <summary>
    /// When <paramref name="host"/> awaits the cleanup of old roles, <paramref name="kind"/> (setting
    /// up a new role) waits for it: deferred when the cleanup runs in this plan, refused otherwise
    /// (the cleanup's own refusal says why). True when it waits.
    /// </summary>
    public bool WaitsForCleanup(StepKind kind, string host, Func<HostRole, bool>? blocking = null)
    {
        if (!AwaitsCleanup(host, blocking))
        {
            return false;
        }

        var roles = Wording.List(RoleChanges[host].Retiring.Where(r => blocking?.Invoke(r) ?? true).Select(r => r.ToString()));
        if (CleanupKinds.Any(k => IsPlanned(k, host)))
        {
            Defer(kind, host, $"its old role(s) {roles} are cleaned up first, in this plan; its new roles are set up as for a new host after that");
        }
        else
        {
            Refuse(kind, host, RefusalCause.Blocked, $"waits until its old role(s) {roles} are cleaned up (see the refusal of that cleanup)");
        }

        return true;
    }

    /// <summary>The etcd membership change this plan makes (kind and host), or null: there is at most one per plan.</summary>
    public string? MembershipChange { get; private set; }

    /// <summary>The external etcd member this plan restarts (its configuration, or its move to a static pod), or null: running members restart one at a time.</summary>
    public string? EtcdRestart { get; set; }

    /// <summary>Hosts whose etcd members the view matches: the spec's member hosts, then departing hosts and spec hosts retiring the role.</summary>
    public IReadOnlyList<HostSpec> EtcdMemberHosts()
    {
        var role = spec.Etcd.Topology == EtcdTopology.Stacked ? HostRole.ControlPlane : HostRole.Etcd;
        return [.. spec.EtcdMembers(), .. Leaving.Where(h => h.Roles.Contains(role))];
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

    /// <summary>The Nodes the API listed, through the first reachable spec host whose probe listed them; null when none did.</summary>
    public IReadOnlyList<ClusterNode>? ListedNodes => spec.Hosts.Select(h => Reachable(h.Name)?.Nodes).FirstOrDefault(n => n is not null);

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

    /// <summary>Refuses what is not one step's: everything on an unreachable host, or work of the whole cluster (<paramref name="reason"/> names it).</summary>
    public void Refuse(string? host, RefusalCause cause, string reason) => _refusals.Add(new Refusal(host, null, cause, reason));

    /// <summary>Refuses <paramref name="kind"/> on <paramref name="host"/>: later steps that need it there wait too.</summary>
    public void Refuse(StepKind kind, string host, RefusalCause cause, string reason)
    {
        _blocked.Add((kind, host));
        _refusals.Add(new Refusal(host, kind, cause, reason));
    }

    public void Defer(StepKind kind, string host, string reason)
    {
        _blocked.Add((kind, host));
        _deferred.Add(new Deferral(host, kind, reason));
    }

    public bool IsPlanned(StepKind kind, string host) => _planned.Contains((kind, host));

    /// <summary>The step was refused or deferred on the host, so whatever needs it waits.</summary>
    public bool IsBlocked(StepKind kind, string host) => _blocked.Contains((kind, host));

    /// <summary>Nodes that no spec host or departing host matches (see <see cref="NodeLabelPhase"/>); null when no Node list was read.</summary>
    public IReadOnlyList<string>? UnmanagedNodes { get; set; }

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
                $"kubeadm {Wording.List(steps.Where(s => PullsImages.Contains(s.Kind)).Select(s => s.Kind == StepKind.InitControlPlane ? "init" : "join").Distinct())} " +
                    $"follows on {Wording.List(hosts)}: the images of {spec.KubernetesVersion} are pulled first, where containerd lacks them", false));
        }

        return new(steps, _refusals.ToList()) { Deferred = _deferred.ToList(), UnmanagedNodes = UnmanagedNodes };
    }

    private static readonly HashSet<StepKind> PullsImages = [StepKind.InitControlPlane, StepKind.JoinControlPlane, StepKind.JoinWorker];
}
