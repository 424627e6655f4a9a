using HaKube.Actions.Pki;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Actions.Steps;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// One cluster being worked on: its spec, SSH targets on a shared pool, the prober, the state
/// store and the PKI issuer. Probing and computing the desired state both start here.
/// </summary>
public sealed class ClusterSession
{
    private readonly Dictionary<string, SshTarget> _targets;

    public ClusterSession(HaCluster cluster, IReadOnlyList<SshTarget> targets, SshConnectionPool pool, ClusterStateStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(targets);
        Cluster = cluster;
        Pool = pool;
        Store = store;
        Time = time ?? TimeProvider.System;
        _targets = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Prober = new HostProber(pool, time: Time);
        Issuer = new ClusterPkiIssuer(new CertificateFactory(Time));
    }

    public HaCluster Cluster { get; }

    public SshConnectionPool Pool { get; }

    public ClusterStateStore Store { get; }

    public TimeProvider Time { get; }

    public HostProber Prober { get; }

    public ClusterPkiIssuer Issuer { get; }

    public IReadOnlyCollection<SshTarget> Targets => _targets.Values;

    public IHostConnection Connect(string host) =>
        _targets.TryGetValue(host, out var target) ? Pool.Get(target) : throw new ArgumentException($"no SSH target for host {host}", nameof(host));

    public Task<IReadOnlyList<HostFacts>> ProbeAsync(CancellationToken cancellationToken) =>
        Prober.ProbeAsync(Cluster.Spec.Hosts.Select(h => _targets[h.Name]), cancellationToken);

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

        var material = await ClusterMaterial.LoadAsync(Cluster.Spec, Store, Issuer, cancellationToken);
        return (material, DesiredStateBuilder.Build(Cluster, material));
    }
}
