using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Actions.Steps;

/// <summary>Everything a step needs: the cluster, its material and store, the facts of the last probe, and the hosts.</summary>
public sealed class StepContext
{
    public required HaCluster Cluster { get; init; }

    public required ClusterMaterial Material { get; init; }

    public required ClusterStateStore Store { get; init; }

    /// <summary>The facts the plan was made from, by host name.</summary>
    public required IReadOnlyDictionary<string, HostFacts> Facts { get; init; }

    /// <summary>The connection to a host, by host name (connected lazily by the pool).</summary>
    public required Func<string, IHostConnection> Connect { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>How many hosts of one step run at once.</summary>
    public int MaxParallelHosts { get; init; } = 16;

    /// <summary>Upper bound for kubeadm init and join, which wait for the control plane themselves (<see cref="StepBudgets.KubeadmJoin"/>, the longer).</summary>
    public TimeSpan KubeadmTimeout { get; init; } = StepBudgets.KubeadmJoin;

    /// <summary>Upper bound for kubeadm upgrade apply and upgrade node, which wait for each static pod.</summary>
    public TimeSpan KubeadmUpgradeTimeout { get; init; } = StepBudgets.KubeadmUpgrade;

    /// <summary>Upper bound for pulling a release's images.</summary>
    public TimeSpan ImagePullTimeout { get; init; } = StepBudgets.ImagePull;

    /// <summary>Upper bound for package installation.</summary>
    public TimeSpan PackageTimeout { get; init; } = StepBudgets.Packages;

    /// <summary>Hosts HaKube set up that left the spec (from the state store's inventory), which removal steps work on.</summary>
    public IReadOnlyList<HostSpec> Departing { get; init; } = [];

    /// <summary>
    /// How long a node's drain may take: spec.drainTimeout, the one bound of all four drains
    /// (RemoveWorker, RemoveControlPlane, UpgradeWorker, UpgradeControlPlane). At the timeout a
    /// removal goes on (reset, Node deleted) with the pods that did not leave, as Cluster API's
    /// nodeDrainTimeout does: a host removed from the spec is leaving either way, and a drain that
    /// cannot finish (a dead kubelet, a PodDisruptionBudget that never allows it) must not hold the
    /// cluster's reconcile for ever. An upgrade fails there instead (the node stays cordoned and
    /// marked, and the next pass resumes it): it must not restart a kubelet under pods that stayed.
    /// </summary>
    public TimeSpan DrainTimeout => Spec.DrainTimeout();

    /// <summary>Upper bound for everything else (each command waits for its own post-condition within this).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public HaClusterSpec Spec => Cluster.Spec;

    public HostSpec Host(string name) =>
        Spec.Hosts.FirstOrDefault(h => h.Name == name) ?? throw new ArgumentException($"host {name} is not in the spec", nameof(name));

    /// <summary>A departing host (see <see cref="Departing"/>) by name.</summary>
    public HostSpec DepartingHost(string name) =>
        Departing.FirstOrDefault(h => h.Name == name) ?? throw new ArgumentException($"host {name} is not a departing host", nameof(name));

    /// <summary>A host a removal step works on: a departing host, or a spec host that gives up an old role (its role changed) and stays.</summary>
    public HostSpec LeavingHost(string name) =>
        Departing.FirstOrDefault(h => h.Name == name) ?? Spec.Hosts.FirstOrDefault(h => h.Name == name) ?? throw new ArgumentException($"host {name} is neither departing nor in the spec", nameof(name));

    /// <summary>The host stays in the spec: a removal step cleans up an old role there and forgets nothing.</summary>
    public bool IsKept(string name) => Spec.Hosts.Any(h => h.Name == name);

    public HostFacts? FactsOf(string name) => Facts.GetValueOrDefault(name);

    /// <summary>A control plane on which kubeadm init (or a control-plane join) has run, per the facts; null if none.</summary>
    public HostSpec? InitializedControlPlane(string? except = null) =>
        Spec.ControlPlanes().FirstOrDefault(h => h.Name != except && FactsOf(h.Name) is { Reachable: true, ControlPlaneInitialized: true });
}
