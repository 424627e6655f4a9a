using System.Net;
using System.Net.Sockets;
using HaKube.Actions.Probe;

namespace HaKube.Tests.Actions.Probe;

public sealed class EndpointProbeTests
{
    [Test]
    public async Task CheckAsync_ListeningLoopbackPort_ResolvesAndAnswers()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var facts = await EndpointProbe.CheckAsync("127.0.0.1", port, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.That(facts, Is.EqualTo(new HaKube.Model.Facts.EndpointFacts("127.0.0.1", port, true, true, null)));
    }

    [Test]
    public async Task CheckAsync_ClosedLoopbackPort_ResolvesButDoesNotAnswer()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var facts = await EndpointProbe.CheckAsync("localhost", port, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(facts.Resolves, Is.True);
            Assert.That(facts.Answers, Is.False);
            Assert.That(facts.Error, Does.Contain($"localhost:{port}").And.Contain("ConnectionRefused"));
        });
    }
}
