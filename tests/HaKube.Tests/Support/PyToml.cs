using System.Diagnostics;

namespace HaKube.Tests.Support;

/// <summary>A strict TOML 1.0 reader, Python's tomllib (3.11+, in Debian 12's python3), to read back the TOML HaKube writes as JSON.</summary>
public static class PyToml
{
    private const string Script = "import sys, json, tomllib\nprint(json.dumps(tomllib.loads(sys.stdin.read())))\n";

    public static async Task<string> ToJsonAsync(string toml)
    {
        var start = new ProcessStartInfo("python3", ["-c", Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        await process.StandardInput.WriteAsync(toml);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        Assert.That(process.ExitCode, Is.Zero, "tomllib could not read the document: " + await error);
        return (await output).TrimEnd('\n');
    }
}
