using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// What a pass probes and acts on, read from the spec and the inventory: the spec's targets, the hosts
/// HaKube set up that left the spec (<see cref="Removed"/>: to remove), the previous machines of hosts
/// replaced at a new address (<see cref="Previous"/>: to reset), and the roles HaKube set up on spec
/// hosts whose roles changed (<see cref="SetUpRoles"/>: cleaned up first).
/// </summary>
public sealed record ProbeScope(
    IReadOnlyList<SshTarget> Targets,
    IReadOnlyDictionary<string, SshTarget> DepartingTargets,
    IReadOnlyList<HostSpec> Removed,
    IReadOnlyList<(PreviousMachine Machine, HostSpec Host)> Previous,
    IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles)
{
    /// <summary>Every host the steps may reach outside the spec, by the name its facts and steps use (a previous machine's key).</summary>
    public IReadOnlyList<HostSpec> Departing => [.. Removed, .. Previous.Select(p => p.Host with { Name = p.Machine.Key })];
}

/// <summary>What one probe saw: every host's facts, the External load balancer's endpoint (null with HAProxy) and the scope probed.</summary>
public sealed record Observation(IReadOnlyList<HostFacts> Facts, EndpointFacts? Endpoint, ProbeScope Scope);
