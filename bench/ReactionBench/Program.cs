using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HaKube.Bench;
using HaKube.Model.Loading;
using HaKube.Model.Status;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Kubernetes;
using HaKube.Reconciler.Telemetry;
using HaKube.Tests.Reconciler.Kubernetes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

// Reaction benchmark: CHANGES manifest changes per source, each timed from the change (file written,
// or HaCluster spec patched) to the reconciler being called (the first action started). The
// reconciler is a recording stub: no SSH, no lab. Prints "name value unit" lines.
var changes = 20;
if (args.Length > 1 || (args.Length == 1 && (!int.TryParse(args[0], out changes) || changes is < 1 or > 1000)))
{
    await Console.Error.WriteLineAsync("usage: ReactionBench [CHANGES(1-1000)]");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
var directory = await Reaction.DirectoryModeAsync(changes, timeout.Token);
Reaction.Print("directory", directory);
var custom = await Reaction.CustomResourceModeAsync(changes, timeout.Token);
Reaction.Print("custom_resource", custom);
return 0;

namespace HaKube.Bench
{
    /// <summary>The two measurements, and a reconciler that records when it is called and with which first host.</summary>
    internal static class Reaction
    {
        private static readonly TimeSpan PerChange = TimeSpan.FromSeconds(10);

        public static async Task<List<double>> DirectoryModeAsync(int changes, CancellationToken cancellationToken)
        {
            var folder = Directory.CreateTempSubdirectory("hakube-bench-reaction-").FullName;
            try
            {
                var manifests = Path.Combine(folder, "manifests");
                Directory.CreateDirectory(Path.Combine(manifests, "keys"));
                await File.WriteAllTextAsync(Path.Combine(manifests, "keys", "id_ed25519"), "not a key: this benchmark never connects\n", cancellationToken);
                await File.WriteAllTextAsync(Path.Combine(manifests, "keys", "known_hosts"), "", cancellationToken);
                var file = Path.Combine(manifests, "bench.yaml");
                await File.WriteAllTextAsync(file, Manifest(Address(0)), cancellationToken);

                var options = new DaemonOptions
                {
                    ManifestsDirectory = manifests,
                    StateDirectory = Path.Combine(folder, "state"),
                    Resync = TimeSpan.FromHours(1),
                    LeaderRetryInterval = TimeSpan.FromMilliseconds(100),
                };
                var reconciler = new RecordingReconciler();
                using var loop = new ReconcileLoop(options, reconciler, new HealthState(), TimeProvider.System, NullLogger<ReconcileLoop>.Instance);
                await loop.StartAsync(cancellationToken);
                try
                {
                    await reconciler.WaitForAsync(Address(0), PerChange, cancellationToken);
                    var samples = new List<double>();
                    for (var i = 1; i <= changes; i++)
                    {
                        var started = Stopwatch.GetTimestamp();
                        await File.WriteAllTextAsync(file, Manifest(Address(i)), cancellationToken);
                        var called = await reconciler.WaitForAsync(Address(i), PerChange, cancellationToken);
                        samples.Add(Stopwatch.GetElapsedTime(started, called).TotalMilliseconds);
                    }

                    return samples;
                }
                finally
                {
                    using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await loop.StopAsync(stopping.Token);
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        public static async Task<List<double>> CustomResourceModeAsync(int changes, CancellationToken cancellationToken)
        {
            const string Namespace = "hakube-system";
            const string Name = "bench";
            var state = Directory.CreateTempSubdirectory("hakube-bench-reaction-").FullName;
            try
            {
                await using var server = StandinApiServer.Start();
                using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Address.ToString() });
                var kube = new KubernetesOptions
                {
                    Namespace = Namespace,
                    Identity = "hakube-bench",
                    LeaseDuration = TimeSpan.FromSeconds(3),
                    RenewDeadline = TimeSpan.FromSeconds(2),
                    RetryPeriod = TimeSpan.FromMilliseconds(250),
                };
                var options = new DaemonOptions { ManifestsDirectory = "", StateDirectory = state, Resync = TimeSpan.FromHours(1) };
                var reconciler = new RecordingReconciler();
                using var loop = new CustomResourceLoop(new HaClusterApi(client, TimeProvider.System), kube, options, reconciler, new HealthState(), TimeProvider.System, NullLogger<CustomResourceLoop>.Instance);
                var body = new JsonObject
                {
                    ["apiVersion"] = "hakube.io/v1alpha1",
                    ["kind"] = "HaCluster",
                    ["metadata"] = new JsonObject { ["name"] = Name },
                    ["spec"] = Spec(Address(0)),
                };
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "hakube.io", "v1alpha1", Namespace, "haclusters", cancellationToken: cancellationToken);
                await loop.StartAsync(cancellationToken);
                try
                {
                    await reconciler.WaitForAsync(Address(0), PerChange, cancellationToken);
                    var samples = new List<double>();
                    for (var i = 1; i <= changes; i++)
                    {
                        var patch = new JsonObject { ["spec"] = new JsonObject { ["hosts"] = Hosts(Address(i)) } };
                        var started = Stopwatch.GetTimestamp();
                        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), "hakube.io", "v1alpha1", Namespace, "haclusters", Name, cancellationToken: cancellationToken);
                        var called = await reconciler.WaitForAsync(Address(i), PerChange, cancellationToken);
                        samples.Add(Stopwatch.GetElapsedTime(started, called).TotalMilliseconds);
                    }

                    return samples;
                }
                finally
                {
                    using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await loop.StopAsync(stopping.Token);
                }
            }
            finally
            {
                Directory.Delete(state, recursive: true);
            }
        }

        public static void Print(string source, List<double> samples)
        {
            samples.Sort();
            Console.WriteLine($"{source}_changes {samples.Count} count");
            Console.WriteLine($"{source}_reaction_median {samples[samples.Count / 2]:F1} ms");
            Console.WriteLine($"{source}_reaction_p90 {samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.9))]:F1} ms");
            Console.WriteLine($"{source}_reaction_max {samples[^1]:F1} ms");
        }

        // Each change moves the one host to a new address, so every change is a spec change.
        private static string Address(int i) => $"127.0.99.{i % 250 + 1}";

        private static string Manifest(string address) => $$"""
            apiVersion: hakube.io/v1alpha1
            kind: HaCluster
            metadata: {name: bench}
            spec:
              kubernetesVersion: v1.31.4
              controlPlaneEndpoint: {host: api.bench.internal}
              networking: {cni: None}
              allowNonHighlyAvailable: true
              ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}
              hosts:
              - {name: cp1, address: {{address}}, roles: [ControlPlane]}

            """;

        private static JsonObject Spec(string address) => new()
        {
            ["kubernetesVersion"] = "v1.31.4",
            ["controlPlaneEndpoint"] = new JsonObject { ["host"] = "api.bench.internal" },
            ["networking"] = new JsonObject { ["cni"] = "None" },
            ["allowNonHighlyAvailable"] = true,
            ["ssh"] = new JsonObject { ["privateKeySecretRef"] = new JsonObject { ["name"] = "bench-ssh", ["key"] = "id_ed25519" } },
            ["hosts"] = Hosts(address),
        };

        private static JsonArray Hosts(string address) => new(new JsonObject
        {
            ["name"] = "cp1",
            ["address"] = address,
            ["roles"] = new JsonArray("ControlPlane"),
            ["hostKey"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//",
        });
    }

    /// <summary>Touches no host: records the time of each call and the first host's address, and reports the cluster Ready.</summary>
    internal sealed class RecordingReconciler : IClusterReconciler
    {
        private readonly Channel<(string Address, long At)> _calls = Channel.CreateUnbounded<(string Address, long At)>();

        public Task<ReconcileResult> ReconcileAsync(LoadedManifest manifest, CancellationToken cancellationToken)
        {
            _calls.Writer.TryWrite((manifest.Cluster.Spec.Hosts[0].Address, Stopwatch.GetTimestamp()));
            var ready = new Condition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = ConditionReasons.Converged, Message = "converged", LastTransitionTime = TimeProvider.System.GetUtcNow() };
            return Task.FromResult(new ReconcileResult { Status = new HaClusterStatus { Phase = ClusterPhase.Ready, ReadyHosts = "1/1", Conditions = [ready] } });
        }

        /// <summary>The timestamp of the first call with <paramref name="address"/>; earlier calls are skipped.</summary>
        public async Task<long> WaitForAsync(string address, TimeSpan bound, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(bound);
            while (true)
            {
                var call = await _calls.Reader.ReadAsync(limit.Token);
                if (call.Address == address)
                {
                    return call.At;
                }
            }
        }
    }
}
