using System.Diagnostics;

namespace HaKube.Tests.Support;

/// <summary>
/// A scratch directory plus the real openssl CLI, so tests check certificates and keys with the tool
/// operators use rather than only with .NET's own reader. Dispose deletes the directory.
/// </summary>
internal sealed class Openssl : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public Openssl() => Directory = System.IO.Directory.CreateTempSubdirectory("hakube-openssl-").FullName;

    /// <summary>The scratch directory; commands run in it, so relative file names work.</summary>
    public string Directory { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> in the scratch directory and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs openssl with <paramref name="arguments"/> (no shell involved).</summary>
    public Task<Result> RunAsync(params string[] arguments) => StartAsync("openssl", arguments);

    /// <summary>Runs openssl and fails the test unless it exits 0; returns its standard output.</summary>
    public async Task<string> OutputAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.That(result.ExitCode, Is.Zero, $"openssl {string.Join(' ', arguments)} failed: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Runs a bash pipeline (for the documented "a | b | c" recipes) with pipefail on.</summary>
    public Task<Result> ShellAsync(string pipeline) => StartAsync("bash", ["-o", "pipefail", "-c", pipeline]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test for.
        }
    }

    private async Task<Result> StartAsync(string program, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var timeout = new CancellationTokenSource(Timeout);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>How a command ended and what it printed.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);
}
