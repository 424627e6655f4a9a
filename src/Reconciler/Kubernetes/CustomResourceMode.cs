using HaKube.Actions.Ssh;
using HaKube.Reconciler.Daemon;
using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HaKube.Reconciler.Kubernetes;

/// <summary>
/// <c>hakube run --kubernetes</c>'s setup: how the client finds the API server and which namespace and
/// Lease it uses, from flags first, then the pod's environment (the chart sets POD_NAME,
/// POD_NAMESPACE and HAKUBE_LEADER_ELECTION_*), then the kubeconfig.
/// </summary>
internal static class CustomResourceMode
{
    private const string ServiceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>The kubeconfig named, else the pod's service account in a pod, else ~/.kube/config (or $KUBECONFIG).</summary>
    /// <exception cref="InvalidOperationException">No configuration can be read; the message says why.</exception>
    public static KubernetesClientConfiguration ClientConfiguration(string? kubeconfig)
    {
        try
        {
            return kubeconfig is not null ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
                : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(Environment.GetEnvironmentVariable("KUBECONFIG"));
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"--kubeconfig: cannot configure the Kubernetes client: {e.Message}", e);
        }
    }

    /// <summary>The namespace: the flag, else POD_NAMESPACE, the pod's own, the kubeconfig context's, or default.</summary>
    public static string Namespace(string? ns, KubernetesClientConfiguration config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        return ns ?? environment("POD_NAMESPACE")
            ?? (File.Exists(ServiceAccountNamespace) ? File.ReadAllText(ServiceAccountNamespace).Trim() : null)
            ?? config.Namespace
            ?? "default";
    }

    /// <summary>The mode's settings; problems say which flag or variable is wrong.</summary>
    public static KubernetesOptions Options(string? ns, KubernetesClientConfiguration config, Func<string, string?> environment, Func<string, TimeSpan?> parseDuration, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(parseDuration);
        ArgumentNullException.ThrowIfNull(problems);
        var chosen = Namespace(ns, config, environment);
        // Two daemons must never share an identity, or both would think they hold the Lease.
        var identity = environment("POD_NAME") ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        var options = new KubernetesOptions { Namespace = chosen, Identity = identity };
        options = options with
        {
            LeaseName = environment("HAKUBE_LEADER_ELECTION_LEASE") ?? options.LeaseName,
            LeaseDuration = Duration("HAKUBE_LEADER_ELECTION_LEASE_DURATION", options.LeaseDuration),
            RenewDeadline = Duration("HAKUBE_LEADER_ELECTION_RENEW_DEADLINE", options.RenewDeadline),
            RetryPeriod = Duration("HAKUBE_LEADER_ELECTION_RETRY_PERIOD", options.RetryPeriod),
        };
        if (!(options.LeaseDuration > options.RenewDeadline && options.RenewDeadline > options.RetryPeriod))
        {
            problems.Add($"leader election: expected lease duration ({options.LeaseDuration}) > renew deadline ({options.RenewDeadline}) > retry period ({options.RetryPeriod})");
        }

        return options;

        TimeSpan Duration(string variable, TimeSpan fallback)
        {
            if (environment(variable) is not { } text)
            {
                return fallback;
            }

            if (parseDuration(text) is { } value && value > TimeSpan.Zero)
            {
                return value;
            }

            problems.Add($"{variable}: \"{text}\": expected a duration such as 15s");
            return fallback;
        }
    }

    /// <summary>Replaces directory mode's loop with the custom-resource loop, and file keys with Secrets.</summary>
    public static void Register(IServiceCollection services, KubernetesClientConfiguration config, KubernetesOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(config));
        services.AddSingleton(sp => new HaClusterApi(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISessionOpener>(sp => new SecretSessionOpener(sp.GetRequiredService<HaClusterApi>(), sp.GetRequiredService<SshConnectionPool>(), sp.GetService<TimeProvider>()));
        services.AddHostedService<CustomResourceLoop>();
    }
}
