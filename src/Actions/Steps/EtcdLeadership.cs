using HaKube.Actions.Etcd;
using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Steps;

/// <summary>Who takes etcd leadership before a planned restart or removal; the shell moves it only if the member still leads.</summary>
internal static class EtcdLeadership
{
    /// <summary><c>move_leader_away</c>; needs <see cref="EtcdGatewayShell.Functions"/>.</summary>
    public static string MoveAwayFunction(StepContext context, HostSpec host) =>
        EtcdGatewayShell.MoveLeaderAway(Successor(context, m => !IsOn(m, host)));

    /// <summary><c>hand_over_leadership</c>; needs <see cref="EtcdGatewayShell.Functions"/>.</summary>
    public static string HandOverFunction(StepContext context, EtcdMember leaving, HostSpec through)
    {
        var target = Known(context).FirstOrDefault(m => IsOn(m, through) && m.ClientUrls.Count > 0 && !m.IsLearner)?.Id;
        return EtcdGatewayShell.HandOver(leaving.ClientUrls.Count > 0 ? leaving.ClientUrls[0] : null, leaving.Id, target);
    }

    /// <summary>A healthy member's list, else any member's.</summary>
    public static IReadOnlyList<EtcdMember> Known(StepContext context)
    {
        var reports = context.Spec.EtcdMembers().Select(h => context.FactsOf(h.Name)?.Etcd).OfType<EtcdFacts>().Where(e => e.Members.Count > 0).ToList();
        return (reports.FirstOrDefault(e => e.Healthy) ?? reports.FirstOrDefault())?.Members ?? [];
    }

    /// <summary>Its peer URL is the host's or, not started yet, it bears the host's name.</summary>
    public static bool IsOn(EtcdMember member, HostSpec host) =>
        member.PeerUrls.Contains(EtcdGatewayShell.PeerUrl(host), StringComparer.OrdinalIgnoreCase) || (member.PeerUrls.Count == 0 && member.Name == host.Name);

    private static ulong? Successor(StepContext context, Func<EtcdMember, bool> eligible)
    {
        var healthyHosts = context.Spec.EtcdMembers().Where(h => context.FactsOf(h.Name)?.Etcd is { Healthy: true }).ToList();
        var candidates = Known(context).Where(m => eligible(m) && m.ClientUrls.Count > 0 && !m.IsLearner).ToList();
        return (candidates.FirstOrDefault(m => healthyHosts.Any(h => IsOn(m, h))) ?? candidates.FirstOrDefault())?.Id;
    }
}
