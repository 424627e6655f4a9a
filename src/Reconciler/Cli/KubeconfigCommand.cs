using System.CommandLine;
using HaKube.Actions.State;
using HaKube.Reconciler.Kubernetes;
using k8s;
using k8s.Autorest;

namespace HaKube.Reconciler.Cli;

/// <summary>
/// <c>hakube kubeconfig NAME [--state-dir DIR]</c>, or <c>--kubernetes [--kubeconfig PATH] [--namespace NS]</c>:
/// print the cluster's admin kubeconfig (server: the control-plane endpoint) from the state store,
/// which in custom-resource mode is the Secret hakube-NAME-admin-conf.
/// </summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The cluster's metadata.name." };
        var stateDir = new Option<string>("--state-dir") { Description = "State store root (one folder per cluster).", DefaultValueFactory = _ => ClusterStateStore.DefaultRoot };
        var kubernetes = new Option<bool>("--kubernetes") { Description = "Custom-resource mode: read the kubeconfig from the cluster's state Secret on the management cluster." };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "With --kubernetes: the management cluster's kubeconfig; default: the pod's service account in a pod, else $KUBECONFIG or ~/.kube/config.",
        };
        var ns = new Option<string?>("--namespace", "-n") { Description = "With --kubernetes: the HaCluster's namespace; default: POD_NAMESPACE, the pod's, the kubeconfig's, or default." };
        var command = new Command("kubeconfig", "Print the cluster's admin kubeconfig from the state store; it holds a client key, so treat the output as a secret.")
        {
            name, stateDir, kubernetes, kubeconfig, ns,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var cluster = parse.GetValue(name)!;
            if (!parse.GetValue(kubernetes) && (parse.GetValue(kubeconfig) is not null || parse.GetValue(ns) is not null))
            {
                await error.WriteLineAsync("error: --kubeconfig and --namespace: only with --kubernetes");
                return ExitCodes.Failure;
            }

            var text = parse.GetValue(kubernetes)
                ? await FromSecretAsync(cluster, parse.GetValue(kubeconfig), parse.GetValue(ns), error, cancellationToken)
                : await FromStateDirectoryAsync(cluster, parse.GetValue(stateDir)!, error, cancellationToken);
            if (text is null)
            {
                return ExitCodes.Failure;
            }

            await parse.InvocationConfiguration.Output.WriteAsync(text);
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<string?> FromStateDirectoryAsync(string cluster, string stateDir, TextWriter error, CancellationToken cancellationToken)
    {
        ClusterStateStore store;
        try
        {
            store = new ClusterStateStore(stateDir, cluster);
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return null;
        }

        var kubeconfig = await store.LoadAdminKubeconfigAsync(cancellationToken);
        if (kubeconfig is null)
        {
            await error.WriteLineAsync($"error: no admin kubeconfig for cluster \"{cluster}\" in {store.Directory}; run hakube apply first");
        }

        return kubeconfig;
    }

    private static async Task<string?> FromSecretAsync(string cluster, string? kubeconfig, string? ns, TextWriter error, CancellationToken cancellationToken)
    {
        KubernetesClientConfiguration config;
        try
        {
            config = CustomResourceMode.ClientConfiguration(kubeconfig);
        }
        catch (InvalidOperationException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return null;
        }

        var chosen = CustomResourceMode.Namespace(ns, config, Environment.GetEnvironmentVariable);
        try
        {
            using var client = new k8s.Kubernetes(config);
            var backend = new SecretStateBackend(client, chosen, cluster);
            var text = await new ClusterStateStore(backend).LoadAdminKubeconfigAsync(cancellationToken);
            if (text is null)
            {
                await error.WriteLineAsync($"error: no admin kubeconfig for HaCluster {chosen}/{cluster}: the Secret " +
                    $"{backend.SecretName(ClusterStateStore.AdminKubeconfigFile)} does not exist yet (the daemon writes it once the first control plane is up)");
            }

            return text;
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or InvalidOperationException or InvalidDataException)
        {
            var reason = e is HttpOperationException http ? $"{(int)http.Response.StatusCode} {http.Response.ReasonPhrase}" : e.Message;
            await error.WriteLineAsync($"error: cannot read the admin kubeconfig of HaCluster {chosen}/{cluster} on {config.Host}: {reason}");
            return null;
        }
    }
}
