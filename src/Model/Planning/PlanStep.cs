namespace HaKube.Model.Planning;

/// <summary>One step of a plan: an action, the hosts it runs on, and why a person would agree it is needed.</summary>
/// <param name="Kind">The action.</param>
/// <param name="Hosts">Host names (spec.hosts[].name) the action runs on; one host unless the action is parallel.</param>
/// <param name="Reason">Why the step is needed, in words a person understands, naming what was observed.</param>
/// <param name="ChangesEtcdMembership">The step adds or removes a voting etcd member: it runs alone, behind the quorum guard.</param>
public sealed record PlanStep(StepKind Kind, IReadOnlyList<string> Hosts, string Reason, bool ChangesEtcdMembership = false)
{
    /// <summary>The etcd member a removal takes out, by ID, when that member is on no host (stale); null otherwise.</summary>
    public ulong? EtcdMemberId { get; init; }

    public override string ToString() => $"{Kind} [{string.Join(", ", Hosts)}]: {Reason}";
}
