using System.CommandLine;
using HaKube.Actions.State;
using HaKube.Reconciler.Cli;
using HaKube.Reconciler.Kubernetes;
using HaKube.Tests.Reconciler.Daemon;
using HaKube.Tests.Reconciler.Kubernetes;

namespace HaKube.Tests.Reconciler.Cli;

/// <summary><c>hakube kubeconfig</c>: from the state directory, or with --kubernetes from the cluster's state Secret.</summary>
[TestFixture]
public sealed class KubeconfigCommandTests
{
    private const string AdminConf = "apiVersion: v1\nkind: Config\nclusters: []\n";

    private string _folder = "";

    [SetUp]
    public void Folder() => _folder = Directory.CreateTempSubdirectory("hakube-kc-").FullName;

    [TearDown]
    public void Clean() => DaemonTestSupport.DeleteQuietly(_folder);

    [Test]
    public async Task Kubeconfig_StateDirectory_PrintsTheStoredFile()
    {
        await new ClusterStateStore(_folder, "demo").SaveAdminKubeconfigAsync(AdminConf, CancellationToken.None);

        var (exit, output, error) = await RunAsync("kubeconfig", "demo", "--state-dir", _folder);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Is.EqualTo(AdminConf));
        }
    }

    [Test]
    public async Task Kubeconfig_KubernetesWithSecret_PrintsTheSecretsAdminConf()
    {
        await using var server = StandinApiServer.Start();
        using (var client = KubeTestSupport.Client(server))
        {
            await new ClusterStateStore(new SecretStateBackend(client, KubeTestSupport.Namespace, "demo")).SaveAdminKubeconfigAsync(AdminConf, CancellationToken.None);
        }

        var (exit, output, error) = await RunAsync("kubeconfig", "demo", "--kubernetes", "--kubeconfig", await KubeconfigAsync(server), "--namespace", KubeTestSupport.Namespace);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Is.EqualTo(AdminConf));
        }
    }

    [Test]
    public async Task Kubeconfig_KubernetesWithoutSecret_ExitsOneNamingTheSecret()
    {
        await using var server = StandinApiServer.Start();

        var (exit, output, error) = await RunAsync("kubeconfig", "demo", "--kubernetes", "--kubeconfig", await KubeconfigAsync(server), "-n", KubeTestSupport.Namespace);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.Contain($"no admin kubeconfig for HaCluster {KubeTestSupport.Namespace}/demo: the Secret hakube-demo-admin-conf does not exist yet"));
        }
    }

    [Test]
    public async Task Kubeconfig_ApiServerGone_ExitsOneSayingWhy()
    {
        var server = StandinApiServer.Start();
        var kubeconfig = await KubeconfigAsync(server);
        await server.DisposeAsync();

        var (exit, _, error) = await RunAsync("kubeconfig", "demo", "--kubernetes", "--kubeconfig", kubeconfig, "-n", KubeTestSupport.Namespace);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.StartWith($"error: cannot read the admin kubeconfig of HaCluster {KubeTestSupport.Namespace}/demo"));
        }
    }

    [Test]
    public async Task Kubeconfig_NamespaceWithoutKubernetes_Refused()
    {
        var (exit, _, error) = await RunAsync("kubeconfig", "demo", "--namespace", "x", "--state-dir", _folder);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.Contain("--kubeconfig and --namespace: only with --kubernetes"));
        }
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
