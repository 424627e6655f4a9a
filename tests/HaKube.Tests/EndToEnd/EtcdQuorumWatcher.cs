using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Watches a real lab etcd cluster while a day-two operation runs, from the test process, through
/// etcd's own JSON gateway (https://ADDRESS:2379/v3/...) with the healthcheck-client certificate.
/// Before the operation it writes <see cref="KeyCount"/> keys; every 100 ms it asks the current
/// membership (refreshed each sample) and counts the voting members that answer a status request:
/// fewer than a majority is a lost quorum. It also records the longest stretch without a successful
/// linearizable read (a leader election shows up there, briefly). On stop it reads every key back.
/// The loop is bounded: it ends on <see cref="StopAsync"/>, on dispose, or after <see cref="MaxDuration"/>.
/// </summary>
internal sealed class EtcdQuorumWatcher : IAsyncDisposable
{
    public const int KeyCount = 20;

    /// <summary>Longer than this without one successful linearizable read fails <see cref="WatchReport.AssertHeld"/>: elections take about a second or two, not this.</summary>
    public static readonly TimeSpan LongestReadGapAllowed = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly Dictionary<string, string> _keys;
    private readonly List<string> _quorumLost = [];
    private HashSet<string> _endpoints;
    private Task? _loop;
    private int _samples;
    private TimeSpan _longestReadGap;
    private int _maxVoting;

    private EtcdQuorumWatcher(HttpClient http, IEnumerable<string> endpoints, Dictionary<string, string> keys)
    {
        _http = http;
        _endpoints = new HashSet<string>(endpoints, StringComparer.Ordinal);
        _keys = keys;
    }

    /// <summary>Reads the etcd CA and the healthcheck-client pair from <paramref name="pkiSource"/>, writes the keys and starts sampling.</summary>
    public static async Task<EtcdQuorumWatcher> StartAsync(LabHost pkiSource, IEnumerable<LabHost> initialMembers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pkiSource);
        var http = Client(pkiSource);
        var keys = Enumerable.Range(0, KeyCount).ToDictionary(i => $"hakube-watch/k{i:00}", _ => Guid.NewGuid().ToString("N"), StringComparer.Ordinal);
        var watcher = new EtcdQuorumWatcher(http, initialMembers.Select(m => $"https://{m.Address}:2379"), keys);
        foreach (var (key, value) in keys)
        {
            await watcher.PutAsync(key, value, cancellationToken);
        }

        watcher._loop = Task.Run(() => watcher.LoopAsync(watcher._stop.Token), CancellationToken.None);
        return watcher;
    }

    /// <summary>Stops sampling, reads every key back and reports.</summary>
    public async Task<WatchReport> StopAsync(CancellationToken cancellationToken = default)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        var missing = new List<string>();
        foreach (var (key, value) in _keys)
        {
            if (await ReadBackAsync(key, cancellationToken) != value)
            {
                missing.Add(key);
            }
        }

        return new WatchReport(_samples, _quorumLost.ToList(), missing, _longestReadGap, _maxVoting);
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
        var lastRead = Stopwatch.StartNew();
        var clock = Stopwatch.StartNew();
        try
        {
            do
            {
                var sample = await SampleAsync(cancellationToken);
                if (!sample.HasMajority)
                {
                    // A loss is counted when the next sample, taken at once, shows it too: a real one lasts
                    // at least an election (seconds), while on a starved machine every 1 s answer can miss once.
                    sample = await SampleAsync(cancellationToken);
                }

                _samples++;
                _maxVoting = Math.Max(_maxVoting, sample.Voting);
                if (!sample.HasMajority)
                {
                    _quorumLost.Add($"+{clock.Elapsed.TotalSeconds:0.0}s {sample.Answering} of {sample.Voting} voting members answered ({sample.Detail})");
                }

                if (sample.ReadSucceeded)
                {
                    lastRead.Restart();
                }

                _longestReadGap = TimeSpan.FromTicks(Math.Max(_longestReadGap.Ticks, lastRead.Elapsed.Ticks));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (or the bound was reached): the report says how many samples were taken.
        }
    }

    private async Task<Sample> SampleAsync(CancellationToken cancellationToken)
    {
        // The membership as any answering member sees it; its client URLs are where to look next time.
        var list = await FirstAsync(_endpoints, "/v3/cluster/member/list", new JsonObject(), cancellationToken);

        if (list?["members"] is not JsonArray members)
        {
            return new Sample(0, Math.Max(_maxVoting, 1), false, "no member answered the member list");
        }

        var voting = members.Where(m => m?["isLearner"]?.GetValue<bool>() != true).ToList();
        var clientUrls = members.SelectMany(m => m?["clientURLs"] as JsonArray ?? []).Select(u => u!.GetValue<string>()).ToList();
        if (clientUrls.Count > 0)
        {
            _endpoints = new HashSet<string>(clientUrls, StringComparer.Ordinal);
        }

        // Every member asked at once, and the read too, so that one paused member costs one timeout, not one per question.
        var status = Task.WhenAll(voting.Select(async m =>
            await FirstAsync((m?["clientURLs"] as JsonArray ?? []).Select(u => u!.GetValue<string>()), "/v3/maintenance/status", new JsonObject(), cancellationToken) is not null));
        var readTask = ReadAnyAsync(_keys.Keys.First(), cancellationToken);
        var answers = await status;
        var read = await readTask is not null;
        var down = voting.Where((_, i) => !answers[i]).Select(m => m?["name"]?.GetValue<string>() ?? "?");
        return new Sample(answers.Count(a => a), voting.Count, read, "not answering: " + string.Join(", ", down));
    }

    /// <summary>Writes a key before sampling starts, trying again (bounded) when no member answered within
    /// the request timeout: set-up, not what is watched, and a loaded machine can miss one answer.</summary>
    private async Task PutAsync(string key, string value, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["key"] = Base64(key), ["value"] = Base64(value) };
        for (var attempt = 0; attempt < 20; attempt++)
        {
            foreach (var endpoint in _endpoints)
            {
                if (await PostAsync(endpoint, "/v3/kv/put", body.DeepClone().AsObject(), cancellationToken) is not null)
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new InvalidOperationException($"no etcd member accepted a put of {key} (endpoints {string.Join(", ", _endpoints)})");
    }

    /// <summary>A linearizable read through any member; null when none answered.</summary>
    private async Task<string?> ReadAnyAsync(string key, CancellationToken cancellationToken)
    {
        var result = await FirstAsync(_endpoints, "/v3/kv/range", new JsonObject { ["key"] = Base64(key) }, cancellationToken);
        if (result is null)
        {
            return null;
        }

        var kvs = result["kvs"] as JsonArray;
        return kvs is { Count: > 0 } ? Encoding.UTF8.GetString(Convert.FromBase64String(kvs[0]!["value"]!.GetValue<string>())) : "";
    }

    /// <summary>Asks every endpoint at once; the first answer wins; null when none answered within the timeout.</summary>
    private async Task<JsonNode?> FirstAsync(IEnumerable<string> endpoints, string path, JsonObject body, CancellationToken cancellationToken)
    {
        var pending = endpoints.Select(e => PostAsync(e, path, body.DeepClone().AsObject(), cancellationToken)).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (await done is { } answer)
            {
                return answer;
            }
        }

        return null;
    }

    /// <summary>Reads a key back, waiting (bounded) for a leader if an election is under way.</summary>
    private async Task<string?> ReadBackAsync(string key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await ReadAnyAsync(key, cancellationToken) is { } value)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return null;
    }

    private async Task<JsonNode?> PostAsync(string endpoint, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri(endpoint.TrimEnd('/') + path), content, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            return node?["error"] is null ? node : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static HttpClient Client(LabHost pkiSource)
    {
        var folder = pkiSource.PathOnMachine("/etc/kubernetes/pki/etcd");
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, "ca.crt")));
        var client = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(folder, "healthcheck-client.crt")), File.ReadAllText(Path.Combine(folder, "healthcheck-client.key")));
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [client],
                // The chain must lead to the cluster's etcd CA; the name is not checked, since members are dialled by the address their certificate names anyway.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => ApiEndpointWatcher.ChainsTo(ca, certificate),
            },
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private sealed record Sample(int Answering, int Voting, bool ReadSucceeded, string Detail)
    {
        public bool HasMajority => Answering >= (Voting / 2) + 1;
    }
}

/// <summary>What <see cref="EtcdQuorumWatcher"/> saw.</summary>
/// <param name="Samples">How many 100 ms samples were taken.</param>
/// <param name="QuorumLost">One line per sample in which fewer than a majority of voting members answered.</param>
/// <param name="MissingKeys">Keys written before the operation that could not be read back with their value.</param>
/// <param name="LongestReadGap">The longest time without a successful linearizable read.</param>
/// <param name="MaxVoting">The largest voting membership seen.</param>
internal sealed record WatchReport(int Samples, IReadOnlyList<string> QuorumLost, IReadOnlyList<string> MissingKeys, TimeSpan LongestReadGap, int MaxVoting)
{
    /// <summary>Fails the test if quorum was ever lost, a key is missing, reads stopped for too long, or the watcher barely sampled.</summary>
    public void AssertHeld()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Samples, Is.GreaterThan(5), "the watcher took almost no samples: the check proves nothing");
            Assert.That(QuorumLost, Is.Empty, "samples in which etcd had no majority");
            Assert.That(MissingKeys, Is.Empty, "keys written before the operation and missing after it");
            Assert.That(LongestReadGap, Is.LessThan(EtcdQuorumWatcher.LongestReadGapAllowed), "longest stretch without a linearizable read");
        }
    }

    public override string ToString() =>
        $"{Samples} samples, quorum lost in {QuorumLost.Count}, {MissingKeys.Count} keys missing, longest read gap {LongestReadGap.TotalMilliseconds:0} ms, up to {MaxVoting} voting members";
}
