using HaKube.Actions.Ssh;
using HaKube.Model.Planning;

namespace HaKube.Actions.Steps;

/// <summary>Runs step scripts and uploads, turning every failure into a <see cref="StepFailedException"/>.</summary>
internal static class HostCommands
{
    private const int TailLines = 12;

    /// <summary>A non-zero exit throws.</summary>
    /// <remarks><paramref name="purpose"/> completes "failed to ..."; <paramref name="secrets"/> must not appear in the error.</remarks>
    public static async Task<CommandResult> RunAsync(
        StepContext context,
        string host,
        StepKind step,
        string purpose,
        string script,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        IReadOnlyList<string>? secrets = null)
    {
        var result = await TryRunAsync(context, host, step, purpose, script, cancellationToken, timeout, secrets);
        return result.Succeeded
            ? result
            : throw new StepFailedException(host, step, purpose, result.Outcome, SecretScrubber.Tail(result.StdErr, TailLines, secrets));
    }

    /// <summary>A non-zero exit is returned; only transport failures throw.</summary>
    public static async Task<CommandResult> TryRunAsync(
        StepContext context,
        string host,
        StepKind step,
        string purpose,
        string script,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        IReadOnlyList<string>? secrets = null)
    {
        var options = new CommandOptions { Name = $"{step}: {purpose}", Timeout = timeout ?? context.CommandTimeout };
        try
        {
            return await context.Connect(host).RunAsync(script, options, cancellationToken);
        }
        catch (SshTransportException e)
        {
            throw Transport(host, step, purpose, e, secrets);
        }
    }

    /// <summary>Atomic, with its mode.</summary>
    public static async Task UploadAsync(StepContext context, string host, StepKind step, ManagedFile file, CancellationToken cancellationToken)
    {
        try
        {
            await context.Connect(host).UploadAsync(file.Path, file.Bytes, new RemoteFileOptions(file.Mode), cancellationToken);
        }
        catch (SshTransportException e)
        {
            throw Transport(host, step, $"write {file.Path}", e, null);
        }
    }

    /// <summary>One exec to compare, one per changed file; returns the changed paths.</summary>
    public static async Task<IReadOnlyList<string>> SyncFilesAsync(StepContext context, string host, StepKind step, IReadOnlyList<ManagedFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return [];
        }

        var check = string.Join('\n', files.Select(f =>
            $"h=$(sha256sum {ShellQuote.Quote(f.Path)} 2>/dev/null) || h=; m=$(stat -c %a {ShellQuote.Quote(f.Path)} 2>/dev/null) || m=; " +
            $"[ \"${{h%% *}}\" = {f.Sha256} ] && [ \"$m\" = {f.StatMode} ] || echo {ShellQuote.Quote(f.Path)}"));
        var result = await RunAsync(context, host, step, "compare the files HaKube keeps with the host's", check, cancellationToken);
        var changed = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var toWrite = files.Where(f => changed.Contains(f.Path)).ToList();
        foreach (var file in toWrite)
        {
            await UploadAsync(context, host, step, file, cancellationToken);
        }

        return toWrite.Select(f => f.Path).ToList();
    }

    /// <summary>One exec; throws naming the first file whose hash or mode differs.</summary>
    public static async Task VerifyFilesAsync(StepContext context, string host, StepKind step, IReadOnlyList<ManagedFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return;
        }

        var check = "rc=0\n" + string.Join('\n', files.Select(f =>
            $"h=$(sha256sum {ShellQuote.Quote(f.Path)} 2>/dev/null) || h=; m=$(stat -c %a {ShellQuote.Quote(f.Path)} 2>/dev/null) || m=; " +
            $"if [ \"${{h%% *}}\" != {f.Sha256} ] || [ \"$m\" != {f.StatMode} ]; then " +
                $"echo \"hakube: \"{ShellQuote.Quote(f.Path)}\" is not as written (mode ${{m:-missing}})\" >&2; rc=1; fi")) + "\nexit $rc";
        await RunAsync(context, host, step, "verify the files it wrote", check, cancellationToken);
    }

    /// <summary>At most <see cref="StepContext.MaxParallelHosts"/> at once; all failures reported together.</summary>
    public static async Task ForEachHostAsync(StepContext context, IReadOnlyList<string> hosts, Func<string, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, context.MaxParallelHosts), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(hosts, parallel, async (host, token) =>
        {
            try
            {
                await work(host, token);
            }
            catch (StepFailedException e)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // Anything else is kept too: rethrown here it would cancel the other hosts' work
                // mid-command (kubeadm, apt), which is worse than the failure itself.
                lock (failures)
                {
                    failures.Add(new InvalidOperationException($"host {host}: {e.GetType().Name}: {e.Message}", e));
                }
            }
        });
        if (failures is [StepFailedException single])
        {
            throw single;
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"{failures.Count} host(s) failed", failures);
        }
    }

    private static StepFailedException Transport(string host, StepKind step, string purpose, SshTransportException e, IReadOnlyList<string>? secrets) => e switch
    {
        RemoteCommandTimeoutException timeout => new StepFailedException(host, step, purpose, $"timed out after {timeout.Timeout.TotalSeconds:0} s", [], e),
        HostKeyMismatchException => new StepFailedException(host, step, purpose, "host key rejected; nothing ran", SecretScrubber.Tail(e.Message, 3, secrets), e),
        _ => new StepFailedException(host, step, purpose, "SSH failure", SecretScrubber.Tail(e.Message, 3, secrets), e),
    };
}
