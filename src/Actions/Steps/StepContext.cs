using HaKube.Actions.Ssh;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Actions.Steps;

public sealed class StepContext
{
    public required HaCluster Cluster { get; init; }

    public required ClusterMaterial Material { get; init; }

    public required ClusterStateStore Store { get; init; }

    /// <summary>The facts the plan was made from.</summary>
    public required IReadOnlyDictionary<string, HostFacts> Facts { get; init; }

    /// <summary>Connected lazily by the pool.</summary>
    public required Func<string, IHostConnection> Connect { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILogger Logger { get; init; } = NullLogger.Instance;

    public int MaxParallelHosts { get; init; } = 16;

    public TimeSpan KubeadmTimeout { get; init; } = StepBudgets.KubeadmJoin;

    public TimeSpan KubeadmUpgradeTimeout { get; init; } = StepBudgets.KubeadmUpgrade;

    public TimeSpan ImagePullTimeout { get; init; } = StepBudgets.ImagePull;

    public TimeSpan PackageTimeout { get; init; } = StepBudgets.Packages;

    /// <summary>Hosts set up that left the spec, which removal steps work on.</summary>
    public IReadOnlyList<HostSpec> Departing { get; init; } = [];

    /// <summary>
    /// spec.drainTimeout, the bound of every drain. At the timeout a removal goes on, as Cluster API's
    /// nodeDrainTimeout does: the host is leaving anyway, and a drain that cannot finish must not hold
    /// the reconcile for ever. An upgrade fails instead (the node stays cordoned and the next pass
    /// resumes it): it must not restart a kubelet under pods that stayed.
    /// </summary>
    public TimeSpan DrainTimeout => Spec.DrainTimeout();

    /// <summary>Each command waits for its own post-condition within this.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public HaClusterSpec Spec => Cluster.Spec;

    public HostSpec Host(string name) =>
        Spec.Hosts.FirstOrDefault(h => h.Name == name) ?? throw new ArgumentException($"host {name} is not in the spec", nameof(name));

    public HostSpec DepartingHost(string name) =>
        Departing.FirstOrDefault(h => h.Name == name) ?? throw new ArgumentException($"host {name} is not a departing host", nameof(name));

    /// <summary>A departing host, or a spec host giving up an old role.</summary>
    public HostSpec LeavingHost(string name) =>
        Departing.FirstOrDefault(h => h.Name == name) ?? Spec.Hosts.FirstOrDefault(h => h.Name == name)
            ?? throw new ArgumentException($"host {name} is neither departing nor in the spec", nameof(name));

    /// <summary>The host stays in the spec: a removal step cleans up an old role and forgets nothing.</summary>
    public bool IsKept(string name) => Spec.Hosts.Any(h => h.Name == name);

    public HostFacts? FactsOf(string name) => Facts.GetValueOrDefault(name);

    public HostSpec? InitializedControlPlane(string? except = null) =>
        Spec.ControlPlanes().FirstOrDefault(h => h.Name != except && FactsOf(h.Name) is { Reachable: true, ControlPlaneInitialized: true });
}
