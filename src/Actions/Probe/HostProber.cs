using HaKube.Actions.Ssh;
using HaKube.Actions.Steps;
using HaKube.Model.Facts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Actions.Probe;

/// <summary>One exec per host, in parallel up to the pool's bound; a host that cannot be probed yields facts saying why.</summary>
public sealed class HostProber(SshConnectionPool pool, ILogger<HostProber>? logger = null, TimeProvider? time = null, BinaryVersionCache? versions = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<HostProber>.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly BinaryVersionCache _versions = versions ?? new BinaryVersionCache();

    /// <summary>A probe normally takes milliseconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The spec's paths besides the fixed list (its mirrors' registry hosts files).</summary>
    public IReadOnlyList<string> ExtraFiles { get; init; } = [];

    /// <summary><paramref name="listNodesOn"/>, a control plane, also lists the Nodes.</summary>
    public async Task<IReadOnlyList<HostFacts>> ProbeAsync(IEnumerable<SshTarget> targets, CancellationToken cancellationToken, string? listNodesOn = null) =>
        await Task.WhenAll(targets.Select(t => ProbeHostAsync(t, cancellationToken, t.Name == listNodesOn)));

    /// <summary>What the next probe of <paramref name="target"/> asks: binaries already known are not asked again.</summary>
    public ProbeInputs InputsFor(SshTarget target, bool listNodes = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ProbeInputs(target.Endpoint.Address)
        {
            KnownBinaries = _versions.For(target.PoolKey),
            ListNodes = listNodes,
            Files = ExtraFiles.Count == 0 ? KnownPaths.Managed : [.. KnownPaths.Managed, .. ExtraFiles],
        };
    }

    public async Task<HostFacts> ProbeHostAsync(SshTarget target, CancellationToken cancellationToken, bool listNodes = false)
    {
        var started = _time.GetTimestamp();
        try
        {
            var inputs = InputsFor(target, listNodes);
            var result = await pool.WithHostAsync(
                target,
                (connection, token) => connection.RunAsync(ProbeScript.Render(inputs), new CommandOptions { Name = "probe", Timeout = Timeout }, token),
                cancellationToken);
            if (!result.Succeeded)
            {
                var kind = result.StdErr.Contains("sudo:", StringComparison.Ordinal) ? ProbeErrorKind.AuthenticationFailed : ProbeErrorKind.ProbeFailed;
                return Failed(target, kind, new RemoteCommandFailedException(target.Name, "probe", result).Message);
            }

            var output = ProbeParser.Parse(target.Name, result.StdOut, inputs, _time.GetUtcNow());
            _versions.Remember(target.PoolKey, output.Binaries);
            Log.Probed(_logger, target.Name, _time.GetElapsedTime(started).TotalMilliseconds);
            return output.Facts;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var kind = e switch
            {
                HostKeyMismatchException => ProbeErrorKind.HostKeyRejected,
                SshAuthenticationFailedException => ProbeErrorKind.AuthenticationFailed,
                RemoteCommandTimeoutException => ProbeErrorKind.Timeout,
                HostUnreachableException => ProbeErrorKind.Unreachable,
                _ => ProbeErrorKind.ProbeFailed,
            };
            return Failed(target, kind, e is SshTransportException or ProbeFormatException ? e.Message : $"host {target.Name}: {e.GetType().Name}: {e.Message}");
        }
    }

    private HostFacts Failed(SshTarget target, ProbeErrorKind kind, string reason)
    {
        var facts = FailedFacts(target.Name, kind, reason, _time.GetUtcNow());
        Log.ProbeUnreachable(_logger, target.Name, kind.ToString(), facts.Error!);
        return facts;
    }

    /// <summary>The reason quotes the host's output, so it is scrubbed: a broken probe may print anything.</summary>
    internal static HostFacts FailedFacts(string host, ProbeErrorKind kind, string reason, DateTimeOffset observedAt) =>
        HostFacts.Unreachable(host, kind, SecretScrubber.Scrub(reason), observedAt);
}
