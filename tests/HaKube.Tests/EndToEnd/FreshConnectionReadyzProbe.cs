using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// GET /readyz through an endpoint every 100 ms, each on a NEW connection. <see cref="ApiEndpointWatcher"/>
/// keeps one connection alive, which HAProxy (TCP mode) pins to one backend; new connections are
/// balanced over every backend, so these probes also reach the control plane that is restarting,
/// as new clients do. The server certificate must chain to the cluster CA. Bounded
/// by <see cref="StopAsync"/>, dispose, or 20 minutes.
/// </summary>
internal sealed class FreshConnectionReadyzProbe : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _readyz;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(20));
    private readonly List<string> _failures = [];
    private Task? _loop;
    private int _samples;

    private FreshConnectionReadyzProbe(X509Certificate2 clusterCa, string host, int port)
    {
        _readyz = new Uri($"https://{host}:{port}/readyz");
        var handler = new SocketsHttpHandler
        {
            // A new TLS connection through HAProxy to a Python stand-in on a loaded two-core machine can
            // take over a second; a refused or reset backend fails at once whatever the bound.
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsTo(clusterCa, certificate) },
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
    }

    /// <param name="caSource">A control plane whose /etc/kubernetes/pki/ca.crt is the cluster CA.</param>
    /// <param name="host">The endpoint's address (the load balancer).</param>
    /// <param name="port">The endpoint's port.</param>
    public static FreshConnectionReadyzProbe Start(LabHost caSource, string host, int port = 6443)
    {
        ArgumentNullException.ThrowIfNull(caSource);
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caSource.PathOnMachine("/etc/kubernetes/pki/ca.crt")));
        var probe = new FreshConnectionReadyzProbe(ca, host, port);
        probe._loop = Task.Run(() => probe.LoopAsync(probe._stop.Token), CancellationToken.None);
        return probe;
    }

    public async Task<ApiWatchReport> StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        return new ApiWatchReport(_samples, _failures.ToList());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _http.Dispose();
    }

    private static bool ChainsTo(X509Certificate2 ca, X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var clock = Stopwatch.StartNew();
        try
        {
            do
            {
                string? failure;
                try
                {
                    using var response = await _http.GetAsync(_readyz, cancellationToken);
                    failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {response.ReasonPhrase}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    failure = e.GetBaseException().Message;
                }

                _samples++;
                if (failure is not null)
                {
                    _failures.Add($"+{clock.Elapsed.TotalSeconds:0.0}s {failure}");
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped, or the bound was reached.
        }
    }
}
