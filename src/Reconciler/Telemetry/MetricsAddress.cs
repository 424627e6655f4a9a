using System.Globalization;
using System.Net;

namespace HaKube.Reconciler.Telemetry;

/// <summary>
/// Where /metrics, /healthz and /readyz listen: HOST:PORT, by default 127.0.0.1:9464 (only this
/// machine). In a pod, 0.0.0.0:9464 lets the kubelet's probes and Prometheus reach it.
/// </summary>
internal sealed record MetricsAddress(string Host, int Port)
{
    public static readonly MetricsAddress Default = new("127.0.0.1", 9464);

    /// <summary>The HttpListener prefix; the any-address forms become "+", which matches every Host header.</summary>
    public string Prefix => Host switch
    {
        "0.0.0.0" or "::" or "*" or "+" => $"http://+:{Port}/",
        _ when IPAddress.TryParse(Host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"http://[{Host}]:{Port}/",
        _ => $"http://{Host}:{Port}/",
    };

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses HOST:PORT ([v6]:PORT for IPv6); null with <paramref name="error"/> saying what is expected.</summary>
    public static MetricsAddress? Parse(string text, out string? error)
    {
        error = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"\"{text}\": expected HOST:PORT with a port from 1 to 65535, such as 127.0.0.1:9464";
            return null;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host is not ("localhost" or "*" or "+") && !IPAddress.TryParse(host, out _))
        {
            error = $"\"{text}\": expected an IP address, localhost or 0.0.0.0 before the port";
            return null;
        }

        return new MetricsAddress(host, port);
    }
}
