using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// What a pass probes and acts on, read from the spec and the inventory: the spec's targets, then the
/// hosts HaKube set up that left the spec (<see cref="Departing"/>: to remove; a previous machine of a
/// host replaced at a new address is named by its <c>NAME@ADDRESS</c> key and is to be reset), and the
/// roles HaKube set up on spec hosts whose roles changed (<see cref="SetUpRoles"/>: cleaned up first).
/// </summary>
public sealed record ProbeScope(
    IReadOnlyList<SshTarget> Targets,
    IReadOnlyDictionary<string, SshTarget> DepartingTargets,
    IReadOnlyList<HostSpec> Departing,
    IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles);

/// <summary>What one probe saw: every host's facts, the External load balancer's endpoint (null with HAProxy) and the scope probed.</summary>
public sealed record Observation(IReadOnlyList<HostFacts> Facts, EndpointFacts? Endpoint, ProbeScope Scope);
