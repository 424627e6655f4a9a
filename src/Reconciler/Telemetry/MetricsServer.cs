using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Telemetry;

/// <summary>
/// Serves GET /metrics (Prometheus text), /healthz and /readyz (200 "ok", or 503 with the reason)
/// with <see cref="HttpListener"/>, so the daemon needs no web framework. Anything else is 404.
/// </summary>
internal sealed class MetricsServer(MetricsAddress address, PrometheusCollector collector, HealthState health, ILogger<MetricsServer> logger) : BackgroundService
{
    private readonly HttpListener _listener = new();

    /// <summary>Starts listening before the host reports started, so a port in use fails start-up with the reason.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Prefixes.Add(address.Prefix);
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new InvalidOperationException($"cannot serve metrics on {address}: {e.Message}", e);
        }

        Log.MetricsListening(logger, address.ToString());
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Stop();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _listener.Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            // Scrapes are rare and answered from memory; answering inline keeps the server one loop.
            await AnswerAsync(context, stoppingToken);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            var (status, contentType, body) = context.Request.Url?.AbsolutePath switch
            {
                "/metrics" => (200, PrometheusText.ContentType, collector.Render()),
                "/healthz" => health.IsLive ? (200, "text/plain", "ok\n") : (503, "text/plain", $"not live: {health.NotLiveReason}\n"),
                "/readyz" => health.IsReady ? (200, "text/plain", "ok\n") : (503, "text/plain", $"not ready: {health.NotReadyReason}\n"),
                _ => (404, "text/plain", "not found; try /metrics, /healthz or /readyz\n"),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, cancellationToken);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException)
        {
            Log.MetricsAnswerFailed(logger, e.Message);
        }
        finally
        {
            response.Close();
        }
    }
}
