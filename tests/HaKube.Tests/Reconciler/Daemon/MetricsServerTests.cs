using System.Net;
using System.Net.Sockets;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Daemon;

[TestFixture]
[NonParallelizable]
public sealed class MetricsServerTests
{
    [Test]
    public async Task Get_HealthAndReadiness_FollowTheDaemonState()
    {
        var health = new HealthState();
        using var collector = new PrometheusCollector();
        var port = FreePort();
        using var server = new MetricsServer(new MetricsAddress("127.0.0.1", port), collector, health, NullLogger<MetricsServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var address = $"http://127.0.0.1:{port}";
        try
        {
            var liveStarting = await http.GetAsync(new Uri(address + "/healthz"));
            var readyStarting = await http.GetAsync(new Uri(address + "/readyz"));
            var reason = await readyStarting.Content.ReadAsStringAsync();
            health.SetReady();
            var readyAfter = await http.GetAsync(new Uri(address + "/readyz"));
            var metrics = await http.GetAsync(new Uri(address + "/metrics"));
            var missing = await http.GetAsync(new Uri(address + "/nothing"));
            health.SetFailed("loop failed");
            var liveAfterFailure = await http.GetAsync(new Uri(address + "/healthz"));

            Assert.Multiple(() =>
            {
                Assert.That(liveStarting.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(readyStarting.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(reason, Does.Contain("starting"));
                Assert.That(readyAfter.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(metrics.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
                Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
                Assert.That(liveAfterFailure.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            });
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
    }

    [TestCase("127.0.0.1:9464", "http://127.0.0.1:9464/")]
    [TestCase("0.0.0.0:9090", "http://+:9090/")]
    [TestCase("[::1]:9464", "http://[::1]:9464/")]
    public void Parse_ValidAddress_Prefix(string text, string prefix)
    {
        Assert.That(MetricsAddress.Parse(text, out _)?.Prefix, Is.EqualTo(prefix));
    }

    [TestCase("9464")]
    [TestCase("127.0.0.1:0")]
    [TestCase("example.com:9464")]
    public void Parse_InvalidAddress_ErrorSaysWhatIsExpected(string text)
    {
        var parsed = MetricsAddress.Parse(text, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.Null);
            Assert.That(error, Does.Contain("expected"));
        });
    }

    // HttpListener cannot bind port 0: borrow a free port from the kernel and give it back.
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
