namespace HaKube.Actions.Rendering;

/// <summary>Installed only when the host has none (the Debian package's is used as is). -Ws so a reload keeps connections open.</summary>
internal static class HaproxyUnit
{
    public const string Path = "/etc/systemd/system/haproxy.service";

    public const string Content = """
        [Unit]
        Description=HAProxy load balancer for the Kubernetes API (HaKube)
        After=network-online.target

        [Service]
        Environment=CONFIG=/etc/haproxy/haproxy.cfg
        # /run is empty after a boot; the stats socket lives in /run/haproxy.
        ExecStartPre=/bin/mkdir -p /run/haproxy
        ExecStartPre=/usr/sbin/haproxy -Ws -f ${CONFIG} -c -q
        ExecStart=/usr/sbin/haproxy -Ws -f ${CONFIG}
        ExecReload=/usr/sbin/haproxy -Ws -f ${CONFIG} -c -q
        ExecReload=/bin/kill -USR2 $MAINPID
        KillMode=mixed
        Restart=always
        RestartSec=2

        [Install]
        WantedBy=multi-user.target

        """;
}
