using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Polls a control-plane endpoint (the load balancer, as every client of the cluster reaches it)
/// with GET /readyz every 100 ms while a day-two operation runs, and records every probe that did
/// not answer 200 (a timed-out probe only when its immediate retry fails too). The server's chain must lead to the cluster CA (read from a control plane); the
/// name is not checked, since the question is only whether the API answered. Bounded:
/// it ends on <see cref="StopAsync"/>, on dispose, or after 20 minutes.
/// </summary>
internal sealed class ApiEndpointWatcher : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;
    private readonly Uri _readyz;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(20));
    private readonly List<string> _failures = [];
    private Task? _loop;
    private int _samples;
    private int _slow;

    private ApiEndpointWatcher(X509Certificate2 clusterCa, string host, int port)
    {
        _readyz = new Uri($"https://{host}:{port}/readyz");
        var handler = new SocketsHttpHandler
        {
            // A new TLS connection through HAProxy to a Python stand-in on a loaded two-core machine can
            // take over a second; a refused or reset backend fails at once whatever the bound.
            ConnectTimeout = TimeSpan.FromSeconds(2),
            // A new connection per probe: HAProxy balances connections, not requests, so only fresh
            // connections reach every control plane behind it the way new clients do.
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsTo(clusterCa, certificate) },
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
    }

    /// <param name="caSource">A control plane whose /etc/kubernetes/pki/ca.crt is the cluster CA.</param>
    /// <param name="host">The endpoint's address (the load balancer).</param>
    /// <param name="port">The endpoint's port.</param>
    public static ApiEndpointWatcher Start(LabHost caSource, string host, int port = 6443)
    {
        ArgumentNullException.ThrowIfNull(caSource);
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caSource.PathOnMachine("/etc/kubernetes/pki/ca.crt")));
        var watcher = new ApiEndpointWatcher(ca, host, port);
        watcher._loop = Task.Run(() => watcher.LoopAsync(watcher._stop.Token), CancellationToken.None);
        return watcher;
    }

    /// <summary>Returns once the watcher has taken <paramref name="count"/> probes, or after <paramref name="bound"/>.</summary>
    public async Task WaitForSamplesAsync(int count, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref _samples) < count && clock.Elapsed < bound)
        {
            await Task.Delay(Interval);
        }
    }

    public async Task<ApiWatchReport> StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        return new ApiWatchReport(_samples, _failures.ToList(), _slow);
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

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var clock = Stopwatch.StartNew();
        try
        {
            do
            {
                var failure = await ProbeAsync(cancellationToken);
                Interlocked.Increment(ref _samples);
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

    /// <summary>The server certificate chains to <paramref name="ca"/> (the name is not checked: lab hosts are dialled by address).</summary>
    internal static bool ChainsTo(X509Certificate2 ca, X509Certificate? certificate)
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

    // A probe that times out is tried again at once, as clients retry a slow request: on a loaded
    // two-core lab one TLS round trip through HAProxy to a Python stand-in can pass 3 s. It counts as
    // an outage only if the retry fails too; refusals, resets and error statuses count at once.
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        var (failure, timedOut) = await ProbeOnceAsync(cancellationToken);
        if (!timedOut)
        {
            return failure;
        }

        var (retry, _) = await ProbeOnceAsync(cancellationToken);
        if (retry is null)
        {
            Interlocked.Increment(ref _slow);
        }

        return retry is null ? null : $"{failure}, and again: {retry}";
    }

    private async Task<(string? Failure, bool TimedOut)> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(_readyz, cancellationToken);
            return (response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {response.ReasonPhrase}", false);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            return (e.GetBaseException().Message, true);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return (e.GetBaseException().Message, false);
        }
    }
}

/// <summary>What <see cref="ApiEndpointWatcher"/> saw: how many probes, and each that failed.</summary>
/// <param name="Samples">Probes taken.</param>
/// <param name="Failures">Each probe that failed (a timed-out one only when its retry failed too), with when.</param>
/// <param name="Slow">Probes that timed out once and answered when tried again at once.</param>
internal sealed record ApiWatchReport(int Samples, IReadOnlyList<string> Failures, int Slow = 0)
{
    /// <summary>Fails the test if any probe failed or the watcher barely sampled.</summary>
    public void AssertNoOutage()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Samples, Is.GreaterThan(5), "the watcher took almost no samples: the check proves nothing");
            Assert.That(Failures, Is.Empty, "readyz probes through the endpoint that failed");
        }
    }

    public override string ToString() => $"{Samples} probes, {Failures.Count} failed, {Slow} slow (answered when tried again)";
}
