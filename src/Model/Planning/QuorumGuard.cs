namespace HaKube.Model.Planning;

/// <summary>What the quorum guard decided, and why, in words for a plan's reason or refusal.</summary>
internal sealed record GuardDecision(bool Allowed, string Reason);

/// <summary>
/// The quorum guard: no step runs if, projected through it, the healthy voting etcd members would fall below
/// a majority of the voting members. A member that matches no host counts as voting and unhealthy, the safe side.
/// </summary>
internal static class QuorumGuard
{
    public static int Majority(int voting) => (voting / 2) + 1;

    /// <summary>
    /// Adding one voting member. The projection is the window between "member add" and the new member's first
    /// start, where an add loses quorum (etcd's strict reconfiguration check does the same); growing one member
    /// to two always passes through it, so that is allowed, as etcd allows it.
    /// </summary>
    public static GuardDecision CheckAdd(EtcdView view)
    {
        if (Refusal(view) is { } refused)
        {
            return refused;
        }

        var voting = view.Voting;
        var healthy = view.HealthyVoting;
        var needed = Majority(voting + 1);
        if (healthy < needed && !(voting == 1 && healthy == 1))
        {
            return new GuardDecision(false,
                $"adding a member makes {voting + 1} voting members, which need {needed} healthy for a majority, and only {healthy} of {voting} are healthy ({Unhealthy(view)})");
        }

        return new GuardDecision(true, $"{healthy} of {voting} voting etcd members healthy; {healthy + 1} of {voting + 1} once the new member starts (majority {needed})");
    }

    /// <summary>
    /// Restarting the member on <paramref name="host"/>: while it restarts it does not vote, so the others must
    /// still be a majority. A one-member cluster may restart (etcd is briefly unavailable, as the reason says).
    /// </summary>
    public static GuardDecision CheckRestart(EtcdView view, string host)
    {
        var member = view.MemberOf(host);
        if (member is null || member.IsLearner || !view.HealthyMembers.Contains(member.Id))
        {
            return new GuardDecision(true, $"etcd on {host} is not a healthy voting member, so restarting it cannot cost quorum");
        }

        if (Refusal(view) is { } refused)
        {
            return refused;
        }

        var voting = view.Voting;
        if (voting == 1)
        {
            return new GuardDecision(true, "the only member restarts: etcd is unavailable until it is back (a one-member cluster has no other way)");
        }

        var remaining = view.HealthyVoting - 1;
        var needed = Majority(voting);
        return remaining >= needed
            ? new GuardDecision(true, $"{remaining} of {voting} voting members stay healthy while it restarts (majority {needed})")
            : new GuardDecision(false, $"restarting etcd on {host} leaves {remaining} of {voting} voting members healthy, below the majority of {needed} ({Unhealthy(view)})");
    }

    /// <summary>
    /// Removing the member <paramref name="memberId"/>: the healthy voters left must be a majority of the voters
    /// left. A dead member costs no healthy vote, which is why it is removed before its replacement is added.
    /// </summary>
    public static GuardDecision CheckRemove(EtcdView view, ulong memberId)
    {
        ArgumentNullException.ThrowIfNull(view);
        var member = view.Members.FirstOrDefault(m => m.Id == memberId);
        if (member is null)
        {
            return new GuardDecision(false, $"etcd lists no member {memberId:x}");
        }

        if (Refusal(view) is { } refused)
        {
            return refused;
        }

        var voting = view.Voting;
        if (!member.IsLearner && voting == 1)
        {
            return new GuardDecision(false, $"{Wording.Member(member)} is the only voting etcd member; removing it would end the cluster");
        }

        var healthyVoter = !member.IsLearner && view.HealthyMembers.Contains(memberId);
        var votingAfter = member.IsLearner ? voting : voting - 1;
        var healthyAfter = view.HealthyVoting - (healthyVoter ? 1 : 0);
        var needed = Majority(votingAfter);
        var what = member.IsLearner ? "a learner" : healthyVoter ? "a healthy voter" : "an unhealthy voter";
        return healthyAfter >= needed
            ? new GuardDecision(true, $"removing {Wording.Member(member)} ({what}) leaves {healthyAfter} of {votingAfter} voting members healthy (majority {needed})")
            : new GuardDecision(false, $"removing {Wording.Member(member)} ({what}) would leave {healthyAfter} of {votingAfter} voting members healthy, below the " +
                $"majority of {needed} ({Unhealthy(view)})");
    }

    private static GuardDecision? Refusal(EtcdView view)
    {
        if (view.Disagreement is not null)
        {
            return new GuardDecision(false, $"etcd members disagree about the membership ({view.Disagreement}); fix the cluster by hand before HaKube changes it");
        }

        if (!view.Answering)
        {
            return new GuardDecision(false, view.Members.Count == 0
                ? "no etcd member answers, so the membership and its health are unknown"
                : $"no etcd member answers a health check (members: {Wording.List(view.Members.Select(Wording.Member))}); quorum may be lost");
        }

        if (view.HealthyVoting < Majority(view.Voting))
        {
            return new GuardDecision(false, $"only {view.HealthyVoting} of {view.Voting} voting etcd members are healthy, below the majority of {Majority(view.Voting)} " +
                $"({Unhealthy(view)}); restore them first");
        }

        return null;
    }

    private static string Unhealthy(EtcdView view)
    {
        var down = view.Members
            .Where(m => !m.IsLearner && !view.HealthyMembers.Contains(m.Id))
            .Select(m => view.HostOfMember.TryGetValue(m.Id, out var host) ? host : Wording.Member(m) + ", on no spec host")
            .ToList();
        return down.Count == 0 ? "none unhealthy" : "not healthy: " + Wording.List(down);
    }
}
