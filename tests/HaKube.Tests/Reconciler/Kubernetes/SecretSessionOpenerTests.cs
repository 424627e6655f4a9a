using System.Diagnostics;
using HaKube.Actions.Ssh;
using HaKube.Model.Loading;
using HaKube.Reconciler.Daemon;
using HaKube.Reconciler.Kubernetes;
using HaKube.Tests.Reconciler.Daemon;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Kubernetes;

[TestFixture]
public sealed class SecretSessionOpenerTests
{
    private string _folder = "";

    [SetUp]
    public void Folder() => _folder = Directory.CreateTempSubdirectory("hakube-crd-k-").FullName;

    [TearDown]
    public void Clean() => DaemonTestSupport.DeleteQuietly(_folder);

    [Test]
    public async Task OpenAsync_SecretHoldsKey_SessionUsesIt()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await NewKeyAsync() });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var (session, key) = await Opener(server, pool).OpenAsync(Manifest(), CancellationToken.None);
        using (key)
        {
            using (Assert.EnterMultipleScope())
            {
                Assert.That(key.Description, Is.EqualTo("Secret hakube-system/demo-ssh[id_ed25519]"));
                Assert.That(session.Targets.Select(t => t.Name), Is.EqualTo(new[] { "cp1" }));
            }
        }
    }

    [Test]
    public async Task OpenAsync_SecretMissing_SaysWhich()
    {
        await using var server = StandinApiServer.Start();
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Opener(server, pool).OpenAsync(Manifest(), CancellationToken.None));

        Assert.That(error?.Message, Does.Contain("Secret hakube-system/demo-ssh does not exist"));
    }

    private SecretSessionOpener Opener(StandinApiServer server, SshConnectionPool pool) =>
        new(new HaClusterApi(KubeTestSupport.Client(server), TimeProvider.System), pool, new DaemonOptions { ManifestsDirectory = "", StateDirectory = _folder });

    private static LoadedManifest Manifest()
    {
        var json = $$"""{"apiVersion":"hakube.io/v1alpha1","kind":"HaCluster","metadata":{"name":"demo","namespace":"{{KubeTestSupport.Namespace}}"},"spec":{{KubeLoopSupport.Spec().ToJsonString()}}}""";
        var resource = HaClusterObject.From(System.Text.Json.JsonDocument.Parse(json).RootElement);
        return CustomResourceBinder.Bind(resource).Manifests.Single();
    }

    private async Task<byte[]> NewKeyAsync()
    {
        var path = Path.Combine(_folder, "id_ed25519");
        using var keygen = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]) { RedirectStandardOutput = true })!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await keygen.WaitForExitAsync(limit.Token);
        return await File.ReadAllBytesAsync(path);
    }
}
