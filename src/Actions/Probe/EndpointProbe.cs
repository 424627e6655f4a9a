using System.Net;
using System.Net.Sockets;
using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>As the kubeadm HA guide's nc -v LB PORT: refused is expected before the first control plane, a join needs it open.</summary>
public static class EndpointProbe
{
    public static async Task<EndpointFacts> CheckAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException e)
        {
            return new EndpointFacts(host, port, false, false, $"{host} does not resolve: {e.Message}");
        }

        if (addresses.Length == 0)
        {
            return new EndpointFacts(host, port, false, false, $"{host} resolves to no address");
        }

        using var client = new TcpClient(addresses[0].AddressFamily);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(addresses[0], port, deadline.Token);
            return new EndpointFacts(host, port, true, true, null);
        }
        catch (SocketException e)
        {
            return new EndpointFacts(host, port, true, false, $"{host}:{port} ({addresses[0]}) refused or unreachable: {e.SocketErrorCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new EndpointFacts(host, port, true, false, $"{host}:{port} ({addresses[0]}) did not answer within {timeout.TotalSeconds:0} s");
        }
    }
}
