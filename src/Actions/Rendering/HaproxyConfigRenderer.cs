using System.Globalization;
using System.Text;
using HaKube.Model.Api;

namespace HaKube.Actions.Rendering;

/// <summary>
/// haproxy.cfg: a frontend on the host's own address (never *:port, which would take the port on
/// every address), one backend per control plane checked with GET /readyz, which unlike a TCP check
/// drops an API server whose etcd is gone. Deterministic, so the planner can compare hashes.
/// </summary>
internal static class HaproxyConfigRenderer
{
    public const string ConfigPath = HaKube.Model.Facts.KnownPaths.HaproxyConfig;

    /// <summary>Tests and operators read backend states from it ("show stat").</summary>
    public const string StatsSocket = "/run/haproxy/admin.sock";

    /// <summary>The backend of the control planes, one server each, named after its host.</summary>
    public const string Backend = "kube-apiserver";

    /// <summary>kubeadm's bindPort default, which HaKube keeps.</summary>
    public const int ApiServerPort = 6443;

    /// <summary>Tells a departing load balancer's file from one HaKube did not write.</summary>
    public const string Header = "# HAProxy for the control-plane endpoint of this cluster, written by HaKube";

    public static string Render(HaClusterSpec spec, HostSpec loadBalancer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(loadBalancer);
        var port = spec.ControlPlaneEndpoint.Port.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append(Header).Append("; local edits are reverted.\n");
        text.Append("global\n");
        text.Append("    maxconn 4096\n");
        text.Append("    stats socket ").Append(StatsSocket).Append(" mode 600 level admin\n");
        text.Append("    stats timeout 30s\n");
        text.Append('\n');
        text.Append("defaults\n");
        text.Append("    mode tcp\n");
        text.Append("    option tcplog\n");
        text.Append("    timeout connect 5s\n");
        // API watches stay open for minutes; a short client/server timeout would cut them.
        text.Append("    timeout client 1h\n");
        text.Append("    timeout server 1h\n");
        text.Append("    timeout check 5s\n");
        // A control plane whose API server restarts (certificate renewal, upgrade) refuses connections
        // before the health checks mark it down, and so does one just added to the spec that has not
        // joined yet (HAProxy starts new servers UP until their checks fail): each retry goes to the
        // next server, as in kubeadm's HA load-balancer example, so clients never see it. Three
        // retries get past the control planes a scale-up adds before they have joined.
        text.Append("    retries 3\n");
        text.Append("    option redispatch 1\n");
        text.Append('\n');
        text.Append("frontend kube-apiserver\n");
        text.Append("    bind ").Append(Bind(loadBalancer.Address, port)).Append('\n');
        text.Append("    default_backend ").Append(Backend).Append('\n');
        text.Append('\n');
        text.Append("backend ").Append(Backend).Append('\n');
        text.Append("    balance roundrobin\n");
        text.Append("    option httpchk GET /readyz\n");
        text.Append("    http-check expect status 200\n");
        text.Append("    default-server inter 2s fall 3 rise 2\n");
        foreach (var controlPlane in spec.ControlPlanes())
        {
            // The check speaks TLS to the API server; it presents no client certificate and
            // trusts any server certificate, since /readyz is readable anonymously.
            text.Append("    server ").Append(HaproxyWords.Name(controlPlane.Name)).Append(' ')
                .Append(Bind(controlPlane.Address, ApiServerPort.ToString(CultureInfo.InvariantCulture)))
                .Append(" check check-ssl verify none\n");
        }

        return text.ToString();
    }

    // HAProxy splits address and port at the last colon, so IPv6 addresses need no brackets.
    private static string Bind(string address, string port) => HaproxyWords.Word($"{address}:{port}");
}
