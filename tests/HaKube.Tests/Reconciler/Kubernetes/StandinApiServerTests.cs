using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>The stand-in behaves as the real API server documents, as seen through the real client.</summary>
[TestFixture]
public sealed class StandinApiServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Update_SpecOrStatusChanged_GenerationGrowsOnSpecOnly()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        await KubeTestSupport.CreateAsync(client, "demo", new JsonObject { ["kubernetesVersion"] = "v1.31.4" });

        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("{\"status\":{\"phase\":\"Ready\"}}", V1Patch.PatchType.MergePatch), KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, "demo");
        var afterStatus = server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, "demo")!;
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("{\"spec\":{\"kubernetesVersion\":\"v1.32.0\"},\"status\":{\"phase\":\"Failed\"}}", V1Patch.PatchType.MergePatch), KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, "demo");
        var afterSpec = server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, "demo")!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterStatus["metadata"]!["generation"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(afterStatus["status"]!["phase"]!.GetValue<string>(), Is.EqualTo("Ready"));
            Assert.That(afterSpec["metadata"]!["generation"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(afterSpec["status"]!["phase"]!.GetValue<string>(), Is.EqualTo("Ready"), "the main resource ignores status");
        }
    }

    [Test]
    public async Task Delete_WithFinalizer_MarkedThenGoneWhenFinalizersEmptied()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        await KubeTestSupport.CreateAsync(client, "demo", new JsonObject(), finalizers: ["hakube.io/finalizer"]);

        await client.CustomObjects.DeleteNamespacedCustomObjectAsync(KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, "demo");
        var marked = server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, "demo");
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("{\"metadata\":{\"finalizers\":null}}", V1Patch.PatchType.MergePatch), KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, "demo");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(marked?["metadata"]?["deletionTimestamp"], Is.Not.Null);
            Assert.That(server.Get(StandinApiServer.HaClusters, KubeTestSupport.Namespace, "demo"), Is.Null);
        }
    }

    [Test]
    public async Task Watch_ResumedBelowCompactedWindow_EndsWithGone()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        await KubeTestSupport.CreateAsync(client, "demo", new JsonObject());
        server.Compact();
        using var cancel = new CancellationTokenSource(Bound);

        var errors = new List<Exception>();
        var events = 0;

        // The client hands ERROR events to onError and ends the stream when the server does.
        await foreach (var _ in client.CustomObjects.WatchListNamespacedCustomObjectAsync(KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, resourceVersion: "1", onError: errors.Add, cancellationToken: cancel.Token))
        {
            events++;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(events, Is.Zero);
            Assert.That(errors.OfType<KubernetesException>().Select(e => e.Status?.Code), Is.EqualTo(new int?[] { 410 }));
        }
    }

    [Test]
    public async Task Watch_FromListVersion_SeesLaterChangeAndBookmarks()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        await KubeTestSupport.CreateAsync(client, "one", new JsonObject());
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural);
        var version = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        await KubeTestSupport.CreateAsync(client, "two", new JsonObject());
        using var cancel = new CancellationTokenSource(Bound);
        var seen = new List<(WatchEventType, string?)>();

        await foreach (var (type, obj) in client.CustomObjects.WatchListNamespacedCustomObjectAsync(KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, resourceVersion: version, allowWatchBookmarks: true, cancellationToken: cancel.Token))
        {
            seen.Add((type, ((JsonElement)obj).GetProperty("metadata").TryGetProperty("name", out var name) ? name.GetString() : null));
            if (type == WatchEventType.Bookmark)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new[] { (WatchEventType.Added, (string?)"two"), (WatchEventType.Bookmark, (string?)null) }));
    }

    [Test]
    public async Task ReplaceLease_StaleResourceVersion_Conflict()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "hakube" }, Spec = new V1LeaseSpec { HolderIdentity = "a" } }, KubeTestSupport.Namespace);
        lease.Spec.HolderIdentity = "b";
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "hakube", KubeTestSupport.Namespace);

        lease.Spec.HolderIdentity = "c";
        var error = Assert.ThrowsAsync<HttpOperationException>(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "hakube", KubeTestSupport.Namespace));

        Assert.That(error?.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Secrets_CreateTwiceThenReplaceStale_AlreadyExistsAndConflict()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "state" }, Data = new Dictionary<string, byte[]> { ["k"] = [1, 2, 3] } };
        var created = await client.CoreV1.CreateNamespacedSecretAsync(secret, KubeTestSupport.Namespace);

        var again = Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedSecretAsync(secret, KubeTestSupport.Namespace));
        created.Data["k"] = [4];
        var replaced = await client.CoreV1.ReplaceNamespacedSecretAsync(created, "state", KubeTestSupport.Namespace);
        var stale = Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedSecretAsync(created, "state", KubeTestSupport.Namespace));
        var read = await client.CoreV1.ReadNamespacedSecretAsync("state", KubeTestSupport.Namespace);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again?.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(replaced.Metadata.ResourceVersion, Is.Not.EqualTo(created.Metadata.ResourceVersion));
            Assert.That(stale?.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "replaced against an old resourceVersion");
            Assert.That(read.Data["k"], Is.EqualTo(new byte[] { 4 }), "data travels base64-encoded and back");
        }
    }
}
