using System.Globalization;
using System.Net;

namespace HaKube.Actions.Probe;

/// <summary>Listening sockets as /proc/net/tcp{,6} print them: "0100007F:192B" (address words byte-swapped, port in hex).</summary>
internal static class ListenSocket
{
    public static bool TryParse(string text, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon is not (8 or 32) || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        var bytes = new byte[colon / 2];
        for (var word = 0; word < bytes.Length; word += 4)
        {
            for (var i = 0; i < 4; i++)
            {
                if (!byte.TryParse(text.AsSpan((word + 3 - i) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[word + i]))
                {
                    return false;
                }
            }
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>
    /// Whether a listener on <paramref name="listener"/> serves the host at <paramref name="hostAddress"/>:
    /// a wildcard or the host's own address does; so does any non-loopback address of a host not
    /// reached by a loopback address (a host may have several interfaces). A loopback listener of
    /// another address does not: hosts that share one network namespace (the lab) must not see
    /// each other's listeners.
    /// </summary>
    public static bool Serves(IPAddress listener, string hostAddress)
    {
        if (listener.Equals(IPAddress.Any) || listener.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        var mapped = listener.IsIPv4MappedToIPv6 ? listener.MapToIPv4() : listener;
        if (!IPAddress.TryParse(hostAddress, out var host))
        {
            return !IPAddress.IsLoopback(mapped);
        }

        return mapped.Equals(host) || (!IPAddress.IsLoopback(host) && !IPAddress.IsLoopback(mapped));
    }
}
