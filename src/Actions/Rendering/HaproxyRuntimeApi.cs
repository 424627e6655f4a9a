namespace HaKube.Actions.Rendering;

/// <summary>
/// Shell for HAProxy's runtime API on a load balancer: its admin socket (<see cref="HaproxyConfigRenderer.StatsSocket"/>)
/// through socat, which HAProxy does not ship. One place for the probe, ConfigureLoadBalancer and the drain around restarts.
/// </summary>
internal static class HaproxyRuntimeApi
{
    /// <summary>
    /// awk's condition for a line of "show servers state" (the version and header lines skipped) whose
    /// srv_admin_state has SRV_ADMF_FMAINT (0x01): maintenance forced through this API. $4 is the server's name.
    /// </summary>
    public const string ForcedMaintenance = "NR > 2 && $7 % 2 == 1";

    /// <summary>Sends <paramref name="command"/> (a shell word, quoted by the caller) with <paramref name="socat"/>; HAProxy's answer on stdout.</summary>
    public static string Send(string command, string socat = "socat") =>
        $"printf '%s\\n' {command} | {socat} -t 5 stdio UNIX-CONNECT:{HaproxyConfigRenderer.StatsSocket}";

    /// <summary>The control-plane servers in forced maintenance, one name a line.</summary>
    public static string ServersInMaintenance(string socat = "socat") =>
        $"{Send($"'show servers state {HaproxyConfigRenderer.Backend}'", socat)} 2>/dev/null | awk '{ForcedMaintenance} {{ print $4 }}'";
}
