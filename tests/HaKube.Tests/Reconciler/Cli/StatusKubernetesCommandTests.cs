using System.CommandLine;
using System.Text.Json;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Reconciler.Daemon;
using HaKube.Tests.Reconciler.Kubernetes;
using k8s;
using k8s.Models;

namespace HaKube.Tests.Reconciler.Cli;

/// <summary><c>hakube status --kubernetes</c>: the HaClusters' status subresource, read with the real client from the stand-in API server.</summary>
[TestFixture]
public sealed class StatusKubernetesCommandTests
{
    private const string Status = """
        {"status":{"observedGeneration":1,"phase":"Ready","readyHosts":"1/1",
          "conditions":[{"type":"Ready","status":"True","reason":"Converged","message":"the hosts match the manifest","lastTransitionTime":"2026-11-29T14:00:00Z","observedGeneration":1}],
          "hosts":[{"name":"cp1","reachable":true,"roles":["ControlPlane"]}],"plan":[]}}
        """;

    private string _folder = "";

    [SetUp]
    public void Folder() => _folder = Directory.CreateTempSubdirectory("hakube-st-k-").FullName;

    [TearDown]
    public void Clean() => DaemonTestSupport.DeleteQuietly(_folder);

    [Test]
    public async Task Status_KubernetesJson_ShowsTheSubresourceAsADocument()
    {
        await using var server = await ServerWithClusterAsync();

        var (exit, output, error) = await RunAsync("status", "--kubernetes", "--kubeconfig", await KubeconfigAsync(server), "--namespace", KubeTestSupport.Namespace, "--output", "json", "demo");

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(root.GetProperty("cluster").GetString(), Is.EqualTo("demo"));
            Assert.That(root.GetProperty("managed").GetBoolean(), Is.False, "no finalizer: HaKube has not taken it on");
            Assert.That(root.GetProperty("status").GetProperty("phase").GetString(), Is.EqualTo("Ready"));
            Assert.That(root.GetProperty("status").GetProperty("observedGeneration").GetInt64(), Is.EqualTo(1));
            Assert.That(root.GetProperty("status").GetProperty("conditions")[0].GetProperty("reason").GetString(), Is.EqualTo("Converged"));
            Assert.That(root.GetProperty("updatedAt").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 11, 29, 14, 0, 0, TimeSpan.Zero)));
        }
    }

    [Test]
    public async Task Status_KubernetesTable_SummarisesEveryHaCluster()
    {
        await using var server = await ServerWithClusterAsync();
        using var client = KubeTestSupport.Client(server);
        await KubeTestSupport.CreateAsync(client, "other", KubeLoopSupport.Spec(), finalizers: ["hakube.io/finalizer"]);

        var (exit, output, error) = await RunAsync("status", "--kubernetes", "--kubeconfig", await KubeconfigAsync(server), "-n", KubeTestSupport.Namespace);

        var lines = output.Split('\n');
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(lines, Has.One.Contains("demo (unmanaged)").And.Contains("Ready").And.Contains("True Converged"), output);
            Assert.That(lines, Has.One.Contains("other ").And.Not.Contains("unmanaged"), output);
        }
    }

    [Test]
    public async Task Status_KubernetesUnknownName_ExitsOneNamingTheNamespace()
    {
        await using var server = await ServerWithClusterAsync();

        var (exit, _, error) = await RunAsync("status", "--kubernetes", "--kubeconfig", await KubeconfigAsync(server), "--namespace", KubeTestSupport.Namespace, "nope");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.Contain($"no status for cluster \"nope\" in namespace {KubeTestSupport.Namespace} on {server.Address}".TrimEnd('/')));
        }
    }

    [Test]
    public async Task Status_ApiServerGone_ExitsOneSayingWhy()
    {
        var server = await ServerWithClusterAsync();
        var kubeconfig = await KubeconfigAsync(server);
        await server.DisposeAsync();

        var (exit, _, error) = await RunAsync("status", "--kubernetes", "--kubeconfig", kubeconfig, "--namespace", KubeTestSupport.Namespace);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.StartWith($"error: cannot list HaClusters in namespace {KubeTestSupport.Namespace}"));
        }
    }

    [Test]
    public async Task Status_NamespaceWithoutKubernetes_Refused()
    {
        var (exit, _, error) = await RunAsync("status", "--namespace", "x", "--state-dir", _folder);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.Contain("--kubeconfig and --namespace: only with --kubernetes"));
        }
    }

    private static async Task<StandinApiServer> ServerWithClusterAsync()
    {
        var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        await KubeTestSupport.CreateAsync(client, "demo", KubeLoopSupport.Spec());
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(Status, V1Patch.PatchType.MergePatch), KubeTestSupport.Group, KubeTestSupport.Version, KubeTestSupport.Namespace, KubeTestSupport.Plural, "demo");
        return server;
    }

    private async Task<string> KubeconfigAsync(StandinApiServer server)
    {
        var path = Path.Combine(_folder, "kubeconfig");
        await KubeTestSupport.WriteKubeconfigAsync(server, path);
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await HakubeCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
