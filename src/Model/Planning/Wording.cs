using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>Small phrases every phase uses in its reasons.</summary>
internal static class Wording
{
    public static string List(IEnumerable<string> names) => string.Join(", ", names);

    /// <summary>A unit's state as systemctl would say it; "not reported" when the probe had nothing.</summary>
    public static string State(HostFacts facts, string unit) =>
        facts.Services.TryGetValue(unit, out var state)
            ? state == ServiceState.Unknown ? "in an unknown state" : state.ToString().ToLowerInvariant()
            : "not reported";

    public static bool IsActive(HostFacts facts, string unit) =>
        facts.Services.TryGetValue(unit, out var state) && state == ServiceState.Active;

    /// <summary>A leaving node's drain with its bound, as the step runs it: at the timeout the removal goes on.</summary>
    public static string Drained(HaClusterSpec spec) => $"drained (at most {spec.DrainTimeout}, spec.drainTimeout; the removal goes on after it)";

    /// <summary>An upgrading node's drain with its bound: at the timeout the upgrade stops and is resumed by the next pass.</summary>
    public static string Drain(HaClusterSpec spec) => $"drain (at most {spec.DrainTimeout}, spec.drainTimeout)";

    public static string Member(EtcdMember member) =>
        member.Name.Length > 0 ? $"{member.Name} ({member.Id:x})" : $"unstarted member {member.Id:x}";
}
