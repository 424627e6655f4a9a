using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Validation;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// One cluster being worked on: its spec, SSH targets on a shared pool, the prober, the state
/// store and the PKI issuer. Probing and computing the desired state both start here.
/// </summary>
public sealed class ClusterSession
{
    private readonly Dictionary<string, SshTarget> _targets;
    private readonly HashSet<string> _nodeListingFailed = new(StringComparer.Ordinal);

    // Makes what MaterialAsync makes in memory only (see PkiOptions.Preview).
    private readonly ClusterPkiIssuer _previewIssuer;

    /// <summary>
    /// A session; <paramref name="knownHosts"/> is the known_hosts the targets were built from, whose
    /// @revoked keys also bar the remembered keys of departing hosts and previous machines;
    /// <paramref name="versions"/> is what earlier passes learnt of the hosts' binaries (the daemon's).
    /// </summary>
    public ClusterSession(
        HaCluster cluster, IReadOnlyList<SshTarget> targets, SshConnectionPool pool, ClusterStateStore store,
        TimeProvider? time = null, KnownHosts? knownHosts = null, BinaryVersionCache? versions = null)
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
        _previewIssuer = new ClusterPkiIssuer(new CertificateFactory(Time, PkiOptions.Preview));
    }

    public HaCluster Cluster { get; }

    /// <summary>
    /// The client key the targets sign with. Nobody disposes it: pooled connections sign with this
    /// object and outlive any one pass or command (the pool reuses them by the key's id), so it is
    /// freed with its last connection. This is the one rule for the key's lifetime.
    /// </summary>
    public SshPrivateKey? Key { get; init; }

    /// <summary>The mirrors' CAs and the package key the manifest names, read when the session was opened.</summary>
    public ReferencedContent Referenced { get; init; } = ReferencedContent.None;

    /// <summary>Where material made in memory is kept across passes when this session may not store it (the daemon's; none for plan).</summary>
    public UnstoredMaterialCache? UnstoredMaterial { get; init; }

    /// <summary>The known_hosts the spec's targets were built from (empty when every host is pinned).</summary>
    public KnownHosts KnownHosts { get; }

    public SshConnectionPool Pool { get; }

    public ClusterStateStore Store { get; }

    public TimeProvider Time { get; }

    public HostProber Prober { get; }

    public ClusterPkiIssuer Issuer { get; }

    public IReadOnlyCollection<SshTarget> Targets => _targets.Values;

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

    /// <summary>A pooled connection to a spec host.</summary>
    public IHostConnection Connect(string host) => Connector(null)(host);

    /// <summary>Connections to the spec's hosts and to <paramref name="scope"/>'s departing ones (what the steps of a pass reach).</summary>
    public Func<string, IHostConnection> Connector(ProbeScope? scope) => host =>
        _targets.TryGetValue(host, out var target) || (scope?.DepartingTargets.TryGetValue(host, out target) ?? false)
            ? Pool.Get(target!)
            : throw new ArgumentException($"no SSH target for host {host}", nameof(host));

    /// <summary>
    /// Every host to probe: the spec's, then the departing ones and the previous machines from the
    /// inventory, reached with the cluster's SSH user, bastion and key, on their remembered port, and
    /// verified against the host keys they were trusted with while in the spec. Reads only.
    /// </summary>
    public async Task<ProbeScope> ScopeAsync(CancellationToken cancellationToken)
    {
        var inventory = await Store.LoadInventoryAsync(cancellationToken);
        var removed = ClusterInventory.Departing(inventory, Cluster.Spec).Select(h => (Key: h.Name, Host: h)).ToList();
        var previous = ClusterInventory.Previous(inventory, Cluster.Spec)
            .Select(h => (Machine: new PreviousMachine(h.Name, h.Address), Host: h))
            .DistinctBy(p => p.Machine.Key, StringComparer.Ordinal)
            .ToList();
        var template = _targets.Values.FirstOrDefault();
        var targets = template is null
            ? new Dictionary<string, SshTarget>(StringComparer.Ordinal)
            : removed.Concat(previous.Select(p => (p.Machine.Key, p.Host)))
                .ToDictionary(d => d.Key, d => DepartingTarget(d.Key, d.Host, template, KnownHosts), StringComparer.Ordinal);
        return new ProbeScope(
            [.. Cluster.Spec.Hosts.Select(h => _targets[h.Name]), .. targets.Values],
            targets,
            removed.Where(d => targets.ContainsKey(d.Key)).Select(d => d.Host.ToHostSpec()).ToList(),
            previous.Where(p => targets.ContainsKey(p.Machine.Key)).Select(p => (p.Machine, p.Host.ToHostSpec())).ToList(),
            ClusterInventory.SetUpRoles(inventory, Cluster.Spec));
    }

    /// <summary>Records the spec hosts that were reached in the inventory (see <see cref="ClusterInventory.Remember"/>).</summary>
    public Task RememberAsync(IReadOnlyList<HostFacts> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var reached = facts.Where(f => f.Reachable && _targets.ContainsKey(f.Host)).Select(f => Managed(Cluster.Spec.Hosts.First(h => h.Name == f.Host))).ToList();
        return Store.UpdateInventoryAsync(inventory => ClusterInventory.Remember(inventory, Cluster.Spec, reached), cancellationToken);
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

    /// <summary>
    /// The cluster material: authorities generated on first use, external-etcd certificates issued or
    /// reissued. With <paramref name="store"/> false they are made in memory, as a preview
    /// (<see cref="PkiOptions.Preview"/>), and not stored.
    /// </summary>
    /// <exception cref="ForeignClusterCaException">The store has no authorities but a control plane already has a cluster CA.</exception>
    public async Task<ClusterMaterial> MaterialAsync(IReadOnlyList<HostFacts> facts, bool store, CancellationToken cancellationToken)
    {
        // A control plane holding a cluster CA the store lacks got it elsewhere (another store, a lost
        // one, kubeadm by hand): a new CA over it would break every kubelet, token and etcd peer.
        var authorities = await Store.LoadAuthoritiesAsync(cancellationToken);
        var stored = authorities is not null;
        if (!stored)
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

        // What is not stored is never used on a host: it is made as a preview, cheaply.
        Task<ClusterMaterial> Load(ClusterStateStore into) =>
            ClusterMaterial.LoadAsync(Cluster.Spec, into, store ? Issuer : _previewIssuer, cancellationToken, Time, authorities);
        ClusterMaterial material;
        if (store || UnstoredMaterial is not { } unstored)
        {
            material = await Load(store ? Store : Store.ReadOnly());
        }
        else if (stored)
        {
            unstored.Forget(Cluster);
            material = await Load(Store.ReadOnly());
        }
        else
        {
            material = await unstored.GetOrMakeAsync(Cluster, () => Load(Store.ReadOnly()));
        }

        return material with { Referenced = Referenced, Preview = !store };
    }
}
