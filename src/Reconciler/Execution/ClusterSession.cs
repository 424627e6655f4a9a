using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;
using HaKube.Model.Validation;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// One cluster being worked on: its spec, SSH targets on a shared pool, the prober, the state
/// store and the PKI issuer. Probing and computing the desired state both start here.
/// </summary>
public sealed class ClusterSession
{
    private readonly Dictionary<string, SshTarget> _targets;
    private Dictionary<string, SshTarget> _departing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeListingFailed = new(StringComparer.Ordinal);

    /// <summary>
    /// A session; <paramref name="knownHosts"/> is the known_hosts the targets were built from, whose
    /// @revoked keys also bar the remembered keys of departing hosts and previous machines;
    /// <paramref name="versions"/> is what earlier passes learnt of the hosts' binaries (the daemon's).
    /// </summary>
    public ClusterSession(HaCluster cluster, IReadOnlyList<SshTarget> targets, SshConnectionPool pool, ClusterStateStore store, TimeProvider? time = null, KnownHosts? knownHosts = null, BinaryVersionCache? versions = null)
    {
        KnownHosts = knownHosts ?? KnownHosts.Empty;
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(targets);
        Cluster = cluster;
        Pool = pool;
        Store = store;
        Time = time ?? TimeProvider.System;
        _targets = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Prober = new HostProber(pool, time: Time, versions: versions) { ExtraFiles = ManagedFiles.SourcePaths(cluster.Spec) };
        Issuer = new ClusterPkiIssuer(new CertificateFactory(Time));
    }

    public HaCluster Cluster { get; }

    /// <summary>The mirrors' CAs and the package key the manifest names, read when the session was opened.</summary>
    public ReferencedContent Referenced { get; init; } = ReferencedContent.None;

    /// <summary>The known_hosts the spec's targets were built from (empty when every host is pinned).</summary>
    public KnownHosts KnownHosts { get; }

    public SshConnectionPool Pool { get; }

    public ClusterStateStore Store { get; }

    public TimeProvider Time { get; }

    public HostProber Prober { get; }

    public ClusterPkiIssuer Issuer { get; }

    public IReadOnlyCollection<SshTarget> Targets => _targets.Values;

    /// <summary>
    /// Hosts HaKube set up that are no longer in the spec, as of the last <see cref="ProbeTargetsAsync"/>:
    /// they are to be removed. Previous machines of a host replaced at a new address are among them,
    /// named by <see cref="PreviousMachine.Key"/>: they are to be reset.
    /// </summary>
    public IReadOnlyList<HostSpec> Departing { get; private set; } = [];

    /// <summary>
    /// The roles HaKube set up on spec hosts whose spec roles now differ, as of the last
    /// <see cref="ProbeTargetsAsync"/> (see <see cref="ClusterInventory.SetUpRoles"/>): their old roles
    /// are cleaned up before the new ones are set up.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles { get; private set; } = new Dictionary<string, IReadOnlyList<HostRole>>();

    /// <summary>
    /// The control plane whose probe also lists the cluster's Nodes (one kubectl call per pass): the
    /// first in spec order that has not failed to list them since they last all failed.
    /// </summary>
    public string? NodeLister
    {
        get
        {
            var controlPlanes = Cluster.Spec.ControlPlanes().Select(h => h.Name).ToList();
            return controlPlanes.FirstOrDefault(h => !_nodeListingFailed.Contains(h)) ?? controlPlanes.FirstOrDefault();
        }
    }

    /// <summary>Moves the listing on to the next control plane when <see cref="NodeLister"/> could not list the Nodes in <paramref name="facts"/>.</summary>
    public void NoteNodeListing(IReadOnlyList<HostFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (NodeLister is not { } lister)
        {
            return;
        }

        if (facts.FirstOrDefault(f => f.Host == lister) is { Nodes: not null })
        {
            return;
        }

        if (!_nodeListingFailed.Add(lister) || Cluster.Spec.ControlPlanes().All(h => _nodeListingFailed.Contains(h.Name)))
        {
            _nodeListingFailed.Clear();
        }
    }

    public IHostConnection Connect(string host) =>
        _targets.TryGetValue(host, out var target) || _departing.TryGetValue(host, out target)
            ? Pool.Get(target)
            : throw new ArgumentException($"no SSH target for host {host}", nameof(host));

    /// <summary>
    /// Every host to probe: the spec's, then the departing ones and the previous machines from the
    /// state store's inventory, reached with the cluster's SSH user, bastion and key, on their
    /// remembered port, and verified against the host keys they were trusted with while in the spec.
    /// </summary>
    public async Task<IReadOnlyList<SshTarget>> ProbeTargetsAsync(CancellationToken cancellationToken)
    {
        var inventory = await Store.LoadInventoryAsync(cancellationToken);
        SetUpRoles = ClusterInventory.SetUpRoles(inventory, Cluster.Spec);
        var departing = ClusterInventory.Departing(inventory, Cluster.Spec)
            .Select(h => (Key: h.Name, Host: h))
            .Concat(ClusterInventory.Previous(inventory, Cluster.Spec).Select(h => (Key: new PreviousMachine(h.Name, h.Address).Key, Host: h)))
            .DistinctBy(d => d.Key, StringComparer.Ordinal)
            .ToList();
        var template = _targets.Values.FirstOrDefault();
        _departing = template is null
            ? new(StringComparer.Ordinal)
            : departing.ToDictionary(d => d.Key, d => DepartingTarget(d.Key, d.Host, template, KnownHosts), StringComparer.Ordinal);
        Departing = departing.Where(d => _departing.ContainsKey(d.Key)).Select(d => d.Host.ToHostSpec() with { Name = d.Key }).ToList();
        return [.. Cluster.Spec.Hosts.Select(h => _targets[h.Name]), .. _departing.Values];
    }

    /// <summary>Records the spec hosts that were reached in the inventory (see <see cref="ClusterInventory.Remember"/>).</summary>
    public Task RememberAsync(IReadOnlyList<HostFacts> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var reached = facts.Where(f => f.Reachable && _targets.ContainsKey(f.Host)).Select(f => Managed(Cluster.Spec.Hosts.First(h => h.Name == f.Host))).ToList();
        return Store.UpdateInventoryAsync(inventory => ClusterInventory.Remember(inventory, Cluster.Spec, reached), cancellationToken);
    }

    /// <summary>Probes the spec's hosts and the departing ones, and remembers the spec hosts that answered (apply and the daemon, which act on them).</summary>
    public async Task<IReadOnlyList<HostFacts>> ProbeAsync(CancellationToken cancellationToken)
    {
        var facts = await ObserveAsync(cancellationToken);
        await RememberAsync(facts, cancellationToken);
        return facts;
    }

    /// <summary>
    /// Probes the spec's hosts and the departing ones and writes nothing: `hakube plan` is a dry run,
    /// and a host it merely reached has had nothing set up by HaKube, so it must not enter the
    /// inventory (which would make it a host to drain and reset once it leaves the spec).
    /// </summary>
    public async Task<IReadOnlyList<HostFacts>> ObserveAsync(CancellationToken cancellationToken)
    {
        var facts = await Prober.ProbeAsync(await ProbeTargetsAsync(cancellationToken), cancellationToken, NodeLister);
        NoteNodeListing(facts);
        return facts;
    }

    private ManagedHost Managed(HostSpec host)
    {
        var endpoint = _targets[host.Name].Endpoint;
        return new ManagedHost(host.Name, endpoint.Address, host.Roles, endpoint.Port, endpoint.HostKeys.Expected.Select(k => k.ToString()).ToList());
    }

    private static SshTarget DepartingTarget(string name, ManagedHost host, SshTarget template, KnownHosts knownHosts)
    {
        var keys = host.HostKeys.Select(k => SshHostKey.TryParse(k, out var key, out _) ? key : null).OfType<SshHostKey>().ToList();
        var revoked = knownHosts.RevokedFor(host.Name == host.Address ? [host.Address] : [host.Address, host.Name], host.SshPort);
        return template with { Name = name, Endpoint = template.Endpoint with { Address = host.Address, Port = host.SshPort, HostKeys = HostKeyPolicy.Remembered(keys, revoked) } };
    }

    /// <summary>A user-provided (External) load balancer as seen from here; null with HAProxy, whose hosts the probe sees.</summary>
    public async Task<EndpointFacts?> ObserveEndpointAsync(CancellationToken cancellationToken)
    {
        var spec = Cluster.Spec;
        return spec.LoadBalancer.Provider == LoadBalancerProvider.External
            ? await EndpointProbe.CheckAsync(spec.ControlPlaneEndpoint.Host, spec.ControlPlaneEndpoint.Port, TimeSpan.FromSeconds(3), cancellationToken)
            : null;
    }

    /// <summary>The cluster material (generated on first use) and the desired state derived from it.</summary>
    /// <exception cref="ForeignClusterCaException">The store has no authorities but a control plane already has a cluster CA.</exception>
    public async Task<(ClusterMaterial Material, DesiredState Desired)> DesiredAsync(IReadOnlyList<HostFacts> facts, CancellationToken cancellationToken)
    {
        // HaKube generates the authorities once, when the store has none. If a control plane already
        // holds a cluster CA, that CA was made elsewhere (another state store, a lost one, kubeadm by
        // hand): a new CA pushed over it would break every kubelet, token and etcd peer of a running
        // cluster, so stop and say so instead.
        if (await Store.LoadAuthoritiesAsync(cancellationToken) is null)
        {
            var holders = facts.Where(f => f.Reachable && f.IsPresent(PkiPaths.ClusterCaCertificate)).Select(f => f.Host).ToList();
            if (holders.Count > 0)
            {
                throw new ForeignClusterCaException(
                    $"the state store ({Store.Location}) holds no certificate authorities, but {string.Join(", ", holders)} already " +
                    $"{(holders.Count == 1 ? "has" : "have")} a cluster CA ({PkiPaths.ClusterCaCertificate}): HaKube will not create a new CA over an existing " +
                    "cluster. Point HaKube at the state store that built this cluster (--state-dir, or the namespace whose Secrets hold it), or reset those hosts.");
            }
        }

        var material = await ClusterMaterial.LoadAsync(Cluster.Spec, Store, Issuer, cancellationToken, Time) with { Referenced = Referenced };
        return (material, DesiredStateBuilder.Build(Cluster, material));
    }
}
