using System.CommandLine;
using HaKube.Actions.State;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Kubernetes;
using HaKube.Reconciler.Telemetry;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube run --manifests DIR</c>: the daemon in directory mode, until stopped (SIGINT/SIGTERM).
/// <c>hakube run --kubernetes [--kubeconfig PATH] [--namespace NS]</c>: the daemon on HaCluster custom
/// resources, leader-elected through a Lease.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var manifests = new Option<string>("--manifests") { Description = "Directory of HaCluster manifests (a GitOps checkout), watched recursively." };
        var kubernetes = new Option<bool>("--kubernetes") { Description = "Custom-resource mode: HaCluster objects on a management cluster (in-cluster, or --kubeconfig)." };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "Custom-resource mode: the kubeconfig to use; default: the pod's service account in a pod, else $KUBECONFIG or ~/.kube/config.",
        };
        var ns = new Option<string?>("--namespace")
        {
            Description = "Custom-resource mode: the namespace whose HaClusters are managed and where the Lease is; default: POD_NAMESPACE, the pod's, the kubeconfig's, or default.",
        };
        var stateDir = new Option<string>("--state-dir") { Description = "State directory: authorities, status files, the leader lock.", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var resync = new Option<string>("--resync") { Description = "Reconcile every cluster at least this often, to find drift: 60s, 5m, 1h.", DefaultValueFactory = _ => "60s" };
        var maxParallel = new Option<int>("--max-parallel") { Description = "Clusters reconciled at once.", DefaultValueFactory = _ => 4 };
        var metrics = new Option<string>("--metrics-address")
        {
            Description = "HOST:PORT for /metrics, /healthz and /readyz (0.0.0.0:9464 in a pod).",
            DefaultValueFactory = _ => MetricsAddress.Default.ToString(),
        };
        var otlp = new Option<string?>("--otlp-endpoint") { Description = "OpenTelemetry collector for traces and metrics over OTLP, such as http://otel-collector:4317; none by default." };
        var otlpProtocol = new Option<string>("--otlp-protocol") { Description = "grpc (port 4317) or http (HTTP/protobuf, port 4318).", DefaultValueFactory = _ => "grpc" };
        otlpProtocol.AcceptOnlyFromAmong("grpc", "http");
        var dryRun = new Option<bool>("--dry-run") { Description = "Probe and plan only; change no host (status shows the plan)." };
        var allow = AllowPathsOutsideOption.Create();
        var maxSnapshot = MaxSnapshotSizeOption.Create();
        var logFormat = new Option<string>("--log-format") { Description = "text (one line per event) or json.", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var command = new Command("run", "Run the daemon: watch manifests, reconcile every cluster, repair drift, write status; until stopped.")
        {
            manifests, kubernetes, kubeconfig, ns, stateDir, resync, maxParallel, metrics, otlp, otlpProtocol, dryRun, logFormat, allow, maxSnapshot,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            var directory = parse.GetValue(manifests);
            var customResources = parse.GetValue(kubernetes) ? CustomResourceSetup(parse.GetValue(kubeconfig), parse.GetValue(ns), problems) : null;
            if (parse.GetValue(kubernetes))
            {
                if (!string.IsNullOrEmpty(directory))
                {
                    problems.Add("--manifests: not with --kubernetes; choose directory mode or custom-resource mode");
                }
            }
            else if (parse.GetValue(kubeconfig) is not null || parse.GetValue(ns) is not null)
            {
                problems.Add("--kubeconfig and --namespace: only with --kubernetes");
            }
            else if (string.IsNullOrEmpty(directory))
            {
                problems.Add("--manifests: expected the directory of HaCluster manifests");
            }
            else if (!Directory.Exists(directory))
            {
                problems.Add($"--manifests: {directory}: no such directory");
            }

            var allowed = AllowPathsOutsideOption.Folders(parse, allow, problems);
            var maxSnapshotBytes = MaxSnapshotSizeOption.Bytes(parse, maxSnapshot, problems);
            var period = ParseDuration(parse.GetValue(resync)!);
            if (period is null || period < TimeSpan.FromSeconds(1))
            {
                problems.Add($"--resync: {HaKube.Model.Values.Printable.Quote(parse.GetValue(resync))}: expected a duration of at least 1s, such as 30s, 5m or 1h");
            }

            if (parse.GetValue(maxParallel) < 1)
            {
                problems.Add("--max-parallel: expected 1 or more");
            }

            var address = MetricsAddress.Parse(parse.GetValue(metrics)!, out var addressError);
            if (addressError is not null)
            {
                problems.Add("--metrics-address: " + addressError);
            }

            Uri? collector = null;
            if (parse.GetValue(otlp) is { } endpoint)
            {
                collector = OtlpExport.Parse(endpoint, out var otlpError);
                if (otlpError is not null)
                {
                    problems.Add("--otlp-endpoint: " + otlpError);
                }
            }

            foreach (var problem in problems)
            {
                await error.WriteLineAsync("error: " + problem);
            }

            if (problems.Count > 0)
            {
                return ExitCodes.Failure;
            }

            var options = new DaemonOptions
            {
                ManifestsDirectory = directory ?? "",
                StateDirectory = parse.GetValue(stateDir)!,
                Resync = period!.Value,
                MaxParallel = parse.GetValue(maxParallel),
                ObserveOnly = parse.GetValue(dryRun),
                AllowPathsOutside = allowed,
                MaxSnapshotBytes = maxSnapshotBytes,
            };
            using var host = DaemonHost.Build(options, address!, collector, parse.GetValue(otlpProtocol) == "http", parse.GetValue(logFormat) == "json", customResources);
            try
            {
                await host.RunAsync(cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                await error.WriteLineAsync("error: " + e.Message);
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Custom-resource mode's registrations, or null with the reasons in <paramref name="problems"/>.</summary>
    private static Action<IServiceCollection>? CustomResourceSetup(string? kubeconfig, string? ns, List<string> problems)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = CustomResourceMode.ClientConfiguration(kubeconfig);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
            return null;
        }

        var options = CustomResourceMode.Options(ns, config, Environment.GetEnvironmentVariable, ParseDuration, problems);
        return services => CustomResourceMode.Register(services, config, options);
    }

    /// <summary>A flag's duration in the one grammar manifests use too ("90s", "5m", "1h30m"); null when it is not one.</summary>
    internal static TimeSpan? ParseDuration(string text) => HaKube.Model.Api.Duration.TryParse(text, out var value) ? value : null;
}
