using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using HaKube.Reconciler.Cli;
using HaKube.Tests.Reconciler.Daemon;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary><c>hakube run --kubernetes</c> end to end on the stand-in: flags, kubeconfig, the real reconciler, the Secret key source.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RunKubernetesCommandTests
{
    private string _folder = "";

    [SetUp]
    public void Folder() => _folder = Directory.CreateTempSubdirectory("hakube-crd-run-").FullName;

    [TearDown]
    public void Clean() => DaemonTestSupport.DeleteQuietly(_folder);

    [Test]
    public async Task Invoke_KubernetesWithKubeconfig_ReconcilesAndReportsTheMissingSecret()
    {
        await using var server = StandinApiServer.Start();
        using var client = KubeTestSupport.Client(server);
        var kubeconfig = Path.Combine(_folder, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $$$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: standin, cluster: {server: "{{{server.Address}}}"}}]
            users: [{name: tester, user: {token: not-checked}}]
            contexts: [{name: standin, context: {cluster: standin, user: tester}}]
            current-context: standin
            """);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = new StringWriter();
        var args = new[] { "run", "--kubernetes", "--kubeconfig", kubeconfig, "--namespace", KubeTestSupport.Namespace, "--state-dir", Path.Combine(_folder, "state"), "--metrics-address", $"127.0.0.1:{FreePort()}" };
        var running = HakubeCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = error }, stop.Token);
        try
        {
            await KubeTestSupport.CreateAsync(client, "demo", KubeLoopSupport.Spec());

            var reported = await DaemonTestSupport.EventuallyAsync(() => KubeLoopSupport.ObservedGeneration(server, "demo") == 1, KubeLoopSupport.Bound);
            var ready = KubeLoopSupport.Status(server, "demo")?["conditions"]?.AsArray().Single(c => c?["type"]?.GetValue<string>() == "Ready");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(reported, Is.True, error.ToString());
                Assert.That(ready?["reason"]?.GetValue<string>(), Is.EqualTo("ReconcileFailed"));
                Assert.That(ready?["message"]?.GetValue<string>(), Does.Contain("Secret hakube-system/demo-ssh does not exist"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            Assert.That(await running.WaitAsync(TimeSpan.FromSeconds(40)), Is.Zero, error.ToString());
        }
    }

    [Test]
    public async Task Invoke_KubernetesWithManifests_ExitsOneSayingChooseOne()
    {
        var error = new StringWriter();

        var exit = await HakubeCommand.Create().Parse(["run", "--kubernetes", "--manifests", _folder, "--kubeconfig", Path.Combine(_folder, "none")]).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = error });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("--manifests: not with --kubernetes"));
            Assert.That(error.ToString(), Does.Contain("--kubeconfig: cannot configure the Kubernetes client"));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
