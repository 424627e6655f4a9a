using System.Globalization;
using System.Net;

namespace HaKube.Actions.Probe;

/// <summary>/proc/net/tcp{,6} sockets: "0100007F:192B" (address words byte-swapped, port in hex).</summary>
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
    /// A wildcard or the host's own address serves it, and so does any non-loopback address when the
    /// host is not reached by loopback (several interfaces). Another loopback address does not: lab
    /// hosts share one network namespace and must not see each other's listeners.
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
