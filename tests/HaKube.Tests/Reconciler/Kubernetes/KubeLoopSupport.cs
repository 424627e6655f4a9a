using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using HaKube.Model.Loading;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Kubernetes;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>A reconciler that touches no host: records the call and reports the cluster Ready.</summary>
internal sealed class ReadyReconciler : IClusterReconciler
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public int CallsFor(string cluster) => Calls.Count(c => c == cluster);

    public Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken)
    {
        Calls.Enqueue(manifest.Cluster.Metadata.Name);
        var ready = new Condition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = ConditionReasons.Converged, Message = "converged", LastTransitionTime = TimeProvider.System.GetUtcNow() };
        return Task.FromResult(new ReconcileResult { Status = new HaClusterStatus { Phase = ClusterPhase.Ready, ReadyHosts = "1/1", Conditions = [ready] } });
    }
}

/// <summary>A custom-resource daemon on the stand-in, with short Lease timings, and HaCluster specs.</summary>
internal static class KubeLoopSupport
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static CustomResourceLoop Loop(StandinApiServer server, IClusterReconciler reconciler, string state, string identity = "hakube-0")
    {
        var kube = new KubernetesOptions
        {
            Namespace = KubeTestSupport.Namespace,
            Identity = identity,
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(250),
        };
        var options = new DaemonOptions { ManifestsDirectory = "", StateDirectory = state, Resync = TimeSpan.FromHours(1) };
        var api = new HaClusterApi(KubeTestSupport.Client(server), TimeProvider.System);
        return new CustomResourceLoop(api, kube, options, reconciler, new HealthState(), TimeProvider.System, NullLogger<CustomResourceLoop>.Instance);
    }

    /// <summary>A spec that validates in custom-resource mode: key from a Secret, host key pinned.</summary>
    public static JsonObject Spec(string version = "v1.31.4") => new()
    {
        ["kubernetesVersion"] = version,
        ["controlPlaneEndpoint"] = new JsonObject { ["host"] = "api.demo.internal" },
        ["networking"] = new JsonObject { ["cni"] = "None" },
        ["allowNonHighlyAvailable"] = true,
        ["ssh"] = new JsonObject { ["privateKeySecretRef"] = new JsonObject { ["name"] = "demo-ssh", ["key"] = "id_ed25519" } },
        ["hosts"] = new JsonArray(new JsonObject
        {
            ["name"] = "cp1",
            ["address"] = "127.0.99.1",
            ["roles"] = new JsonArray("ControlPlane"),
            ["hostKey"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//",
        }),
    };

    public static JsonNode? Status(StandinApiServer server, string name) => server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, name)?["status"];

    public static long? ObservedGeneration(StandinApiServer server, string name) =>
        Status(server, name)?["observedGeneration"] is { } g ? long.Parse(g.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : null;
}
