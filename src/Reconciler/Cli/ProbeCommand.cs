using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Model.Facts;
using HaKube.Model.Loading;
using HaKube.Reconciler.Manifests;
using Spectre.Console;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube probe -f PATH [--output json]</c>: probe every host of the manifest's clusters
/// (one exec per host) and print what was found; exit 0 when every host was probed, 1 otherwise.
/// </summary>
internal static class ProbeCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "HaCluster manifest file or directory.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var allow = AllowPathsOutsideOption.Create();
        var command = new Command("probe", "Probe every host of the cluster over SSH (one command per host) and print the facts found; changes nothing.") { file, output, allow };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            if (await CommandManifests.LoadAsync(parse, file, allow, problems, cancellationToken) is not var (loaded, allowed))
            {
                return ExitCodes.Failure;
            }

            var facts = new List<HostFacts>();
            await using var pool = new SshConnectionPool();
            foreach (var manifest in loaded.Manifests)
            {
                var probed = await ProbeAsync(manifest, pool, error, allowed, cancellationToken);
                if (probed is null)
                {
                    return ExitCodes.Failure;
                }

                facts.AddRange(probed);
            }

            var writer = parse.InvocationConfiguration.Output;
            if (parse.GetValue(output) == "json")
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(facts, Json));
            }
            else
            {
                WriteTable(writer, facts);
            }

            return facts.All(f => f.Reachable) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<IReadOnlyList<HostFacts>?> ProbeAsync(
        LoadedManifest manifest, SshConnectionPool pool, TextWriter error, IReadOnlyList<string> allowed, CancellationToken cancellationToken)
    {
        IReadOnlyList<SshTarget> targets;
        SshPrivateKey key;
        try
        {
            (targets, key, _) = await ManifestSsh.LoadAsync(manifest, cancellationToken, allowed);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync(e.Message);
            return null;
        }

        using (key)
        {
            return await new HostProber(pool).ProbeAsync(targets, cancellationToken);
        }
    }

    private static void WriteTable(TextWriter writer, IReadOnlyList<HostFacts> facts)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        // Redirected output has no width; 80 columns would wrap every cell.
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        var table = new Table().AddColumns("host", "reachable", "OS", "kernel", "kubelet/kubeadm", "services", "etcd", "ports", "files", "earliest cert expiry");
        foreach (var host in facts)
        {
            if (!host.Reachable)
            {
                table.AddRow(new Text(host.Host), new Markup("[red]no[/]"), new Text(host.Error ?? ""), Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty);
                continue;
            }

            table.AddRow(
                new Text(host.Host),
                new Markup("[green]yes[/]"),
                new Text($"{host.Os?.Id} {host.Os?.VersionId}".Trim()),
                new Text(host.Os?.Kernel ?? ""),
                new Text($"{host.Versions.Kubelet ?? "-"}/{host.Versions.Kubeadm ?? "-"}"),
                new Text(string.Join(' ', host.Services.Where(s => s.Value == ServiceState.Active).Select(s => s.Key)) is { Length: > 0 } active ? active : "-"),
                new Text(Etcd(host.Etcd)),
                new Text(host.ListeningPorts.Count == 0 ? "-" : string.Join(',', host.ListeningPorts.Order())),
                new Text($"{host.Files.Values.Count(f => f.Present)}/{host.Files.Count}"),
                new Text(host.EarliestCertificateExpiry?.ToString("yyyy-MM-dd") ?? "-"));
        }

        console.Write(table);
    }

    private static string Etcd(EtcdFacts? etcd) => etcd switch
    {
        null => "-",
        { Healthy: true } => $"healthy, {etcd.Members.Count} members",
        _ => "unhealthy" + (etcd.Error is null ? "" : ": " + etcd.Error),
    };
}
