using System.Text.Json.Nodes;
using k8s;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>A real client pointed at the stand-in, and HaCluster objects to create through it.</summary>
internal static class KubeTestSupport
{
    public const string Group = "hakube.io";
    public const string Version = "v1alpha1";
    public const string Plural = "haclusters";
    public const string Namespace = "hakube-system";

    public static k8s.Kubernetes Client(StandinApiServer server) => new(new KubernetesClientConfiguration { Host = server.Address.ToString() });

    /// <summary>Writes a kubeconfig pointing at the stand-in (the token is not checked), for the CLI's --kubeconfig.</summary>
    public static Task WriteKubeconfigAsync(StandinApiServer server, string path) => File.WriteAllTextAsync(path, $$$"""
        apiVersion: v1
        kind: Config
        clusters: [{name: standin, cluster: {server: "{{{server.Address}}}"}}]
        users: [{name: tester, user: {token: not-checked}}]
        contexts: [{name: standin, context: {cluster: standin, user: tester}}]
        current-context: standin
        """);

    public static async Task CreateAsync(IKubernetes client, string name, JsonObject spec, IReadOnlyList<string>? finalizers = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (finalizers is not null)
        {
            metadata["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
        }

        var body = new JsonObject { ["apiVersion"] = $"{Group}/{Version}", ["kind"] = "HaCluster", ["metadata"] = metadata, ["spec"] = spec };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Group, Version, Namespace, Plural);
    }
}
