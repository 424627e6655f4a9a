using System.Net;
using System.Net.Sockets;

namespace HaKube.Actions.Kubeadm;

/// <summary>Host addresses as kubeadm wants them: IP-only fields, and host:port with IPv6 brackets.</summary>
internal static class HostAddresses
{
    /// <summary>Stricter than IPAddress.TryParse, whose "10" or "10.1" kubeadm would reject as advertiseAddress.</summary>
    public static bool IsIpAddress(string address) =>
        IPAddress.TryParse(address, out var ip)
        && (ip.AddressFamily == AddressFamily.InterNetworkV6 || address.Count(c => c == '.') == 3);

    /// <summary>IPv6 bracketed, as URLs and kubeadm's endpoints require.</summary>
    public static string HostPort(string host, int port) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{host}]:{port}"
            : $"{host}:{port}";
}
