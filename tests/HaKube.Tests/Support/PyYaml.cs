using System.Diagnostics;
using System.Text.Json;

namespace HaKube.Tests.Support;

/// <summary>A second YAML reader, PyYAML (YAML 1.1, like kubeadm's decoder), to read back what HaKube writes; python3-yaml is installed by scripts/install-test-deps.sh.</summary>
public static class PyYaml
{
    // One process for many texts: a JSON list of YAML texts in, a JSON list of their document lists out.
    private const string Script = "import sys, json, yaml\nprint(json.dumps([list(yaml.safe_load_all(t)) for t in json.load(sys.stdin)]))\n";

    /// <summary>Every document of each of <paramref name="texts"/>, as JSON, in one python3 run.</summary>
    public static async Task<JsonElement[][]> LoadAllAsync(IReadOnlyList<string> texts)
    {
        var start = new ProcessStartInfo("python3", ["-c", Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(texts));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        Assert.That(process.ExitCode, Is.Zero, "PyYAML could not read the document: " + await error);
        return JsonDocument.Parse(await output).RootElement.EnumerateArray().Select(t => t.EnumerateArray().ToArray()).ToArray();
    }
}
