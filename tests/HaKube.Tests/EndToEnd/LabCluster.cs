using System.CommandLine;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Lab;

namespace HaKube.Tests.EndToEnd;

/// <summary>
/// Lab hosts with a manifest for them: the lab's client key and known_hosts copied next to the
/// manifest (as a user keeps them), a state store of its own, and `hakube` run in-process. Torn
/// down with the lab, folder included.
/// </summary>
internal sealed class LabCluster : IAsyncDisposable
{
    private LabCluster(LabHosts lab, string folder)
    {
        Lab = lab;
        Folder = folder;
    }

    public LabHosts Lab { get; }

    public string Folder { get; }

    public string Manifest => Path.Combine(Folder, "cluster.yaml");

    public string StateDir => Path.Combine(Folder, "state");

    /// <summary>Starts <paramref name="count"/> lab hosts and writes the manifest <paramref name="manifest"/> renders for them.</summary>
    public static async Task<LabCluster> StartAsync(int count, LabOptions options, Func<IReadOnlyList<LabHost>, string> manifest)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(manifest);
        var lab = await LabHosts.StartAsync(count, options, CancellationToken.None);
        var cluster = new LabCluster(lab, Directory.CreateTempSubdirectory($"hakube-{options.Prefix}-").FullName);
        try
        {
            await LabManifest.WriteAsync(lab, cluster.Folder, manifest(lab.Hosts));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs `hakube ARGS` in-process: exit code, standard output and standard error.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await HakubeCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Lab.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
