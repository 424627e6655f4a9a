using System.Text;
using System.Text.Json.Nodes;
using HaKube.Actions.Pki;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Reconciler.Kubernetes;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;

namespace HaKube.Tests.Reconciler.Kubernetes;

/// <summary>Custom-resource mode's state store: Secrets in the HaCluster's namespace, through the real client and the stand-in API server.</summary>
[TestFixture]
public sealed class SecretStateBackendTests
{
    private const string Ns = KubeTestSupport.Namespace;

    [Test]
    public async Task GetOrCreateAuthorities_TwoStores_GeneratesOnceIntoOneLabelledSecret()
    {
        await using var server = StandinApiServer.Start();
        var created = 0;

        var first = await Store(server).GetOrCreateAuthoritiesAsync(() => { created++; return TestPki.Authorities; }, CancellationToken.None);
        var second = await Store(server).GetOrCreateAuthoritiesAsync(() => { created++; return TestPki.Authorities; }, CancellationToken.None);

        var secret = server.Get(StandinApiServer.Secrets, Ns, "hakube-demo-authorities");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(created, Is.EqualTo(1));
            Assert.That(second.ClusterCa.KeyPem, Is.EqualTo(first.ClusterCa.KeyPem));
            Assert.That(secret?["type"]?.GetValue<string>(), Is.EqualTo("hakube.io/state"));
            Assert.That(secret?["metadata"]?["labels"]?["app.kubernetes.io/managed-by"]?.GetValue<string>(), Is.EqualTo("hakube"));
            Assert.That(secret?["metadata"]?["labels"]?["hakube.io/cluster"]?.GetValue<string>(), Is.EqualTo("demo"));
            Assert.That(secret?["metadata"]?["ownerReferences"], Is.Null, "deleting the HaCluster must not delete its authorities");
            Assert.That(Decode(secret, "authorities.json"), Does.Contain(first.ClusterCa.CertificatePem.ReplaceLineEndings("\\n")[..40]));
        }
    }

    [Test]
    public async Task CreateOnce_SecondWriter_LosesAndReadsTheWinner()
    {
        await using var server = StandinApiServer.Start();
        var one = Backend(server);
        var two = Backend(server);

        var firstWon = await one.CreateOnceAsync("authorities.json", "{\"a\":1}", CancellationToken.None);
        var secondWon = await two.CreateOnceAsync("authorities.json", "{\"a\":2}", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(firstWon, Is.True);
            Assert.That(secondWon, Is.False, "the API server answered 409 AlreadyExists");
            Assert.That(await two.ReadAsync("authorities.json", CancellationToken.None), Is.EqualTo("{\"a\":1}"));
        }
    }

    [Test]
    public async Task GetOrIssueExternalEtcd_CustomResourceMode_OneSecretPerMemberAndNoFiles()
    {
        await using var server = StandinApiServer.Start();
        var spec = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec;
        var issuer = new ClusterPkiIssuer(TestPki.Factory());
        var store = Store(server);
        var authorities = await store.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);

        var first = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None);
        var second = await Store(server).GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None);

        var names = server.SecretsNamed(Ns, "hakube-demo-").Select(s => s["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(names, Is.EqualTo(new[]
            {
                "hakube-demo-apiserver-etcd-client", "hakube-demo-authorities",
                "hakube-demo-etcd-members-etcd1", "hakube-demo-etcd-members-etcd2", "hakube-demo-etcd-members-etcd3",
            }));
            Assert.That(second.Members["etcd2"].Server.KeyPem, Is.EqualTo(first.Members["etcd2"].Server.KeyPem));
            Assert.That(second.ApiServerEtcdClient.KeyPem, Is.EqualTo(first.ApiServerEtcdClient.KeyPem));
        }
    }

    [Test]
    public async Task AdminKubeconfig_SavedTwice_SecretReplacedWithTheLatest()
    {
        await using var server = StandinApiServer.Start();
        var store = Store(server);

        Assert.That(await store.LoadAdminKubeconfigAsync(CancellationToken.None), Is.Null);
        await store.SaveAdminKubeconfigAsync("kind: Config\n# one\n", CancellationToken.None);
        await store.SaveAdminKubeconfigAsync("kind: Config\n# two\n", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Store(server).LoadAdminKubeconfigAsync(CancellationToken.None), Is.EqualTo("kind: Config\n# two\n"));
            Assert.That(Decode(server.Get(StandinApiServer.Secrets, Ns, "hakube-demo-admin-conf"), "admin.conf"), Is.EqualTo("kind: Config\n# two\n"));
        }
    }

    [Test]
    public async Task Write_TwoWritersAtOnce_EveryWriteLandsWholeDespiteConflicts()
    {
        await using var server = StandinApiServer.Start();
        var one = Backend(server);
        var two = Backend(server);

        // Replace carries the resourceVersion read: a write between read and replace is a 409, retried.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? one : two).WriteAsync("admin.conf", $"kind: Config\n# {i}\n", CancellationToken.None)));

        Assert.That(await one.ReadAsync("admin.conf", CancellationToken.None), Does.Match(@"^kind: Config\n# [0-3]\n$"));
    }

    [Test]
    public async Task Read_SecretOfAnotherOwnerUnderTheName_RefusesToUseIt()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(Ns, "hakube-demo-authorities", new Dictionary<string, byte[]> { ["authorities.json"] = "{}"u8.ToArray() });

        var error = Assert.ThrowsAsync<InvalidDataException>(() => Store(server).LoadAuthoritiesAsync(CancellationToken.None));

        Assert.That(error?.Message, Does.Contain("is not HaKube's state item \"authorities.json\" of cluster demo"));
    }

    [Test]
    public async Task GetOrCreateAuthorities_RbacForbidsSecrets_SaysWhichSecretAndWhatIsMissing()
    {
        await using var server = StandinApiServer.Start();
        server.Forbidden = new HashSet<string> { StandinApiServer.Secrets };

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Store(server).GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None));

        Assert.That(error?.Message, Is.EqualTo(
            "state store: get Secret hakube-system/hakube-demo-authorities: the API server answered 403 Forbidden; " +
            "HaKube's service account needs get, create and update on Secrets in this namespace (the chart's RBAC grants them)"));
    }

    [Test]
    public void SecretName_Items_NamedAfterClusterAndItem()
    {
        using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1/" });
        var backend = new SecretStateBackend(client, Ns, "demo");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(backend.SecretName("authorities.json"), Is.EqualTo("hakube-demo-authorities"));
            Assert.That(backend.SecretName("etcd-members/etcd1.json"), Is.EqualTo("hakube-demo-etcd-members-etcd1"));
            Assert.That(backend.SecretName("admin.conf"), Is.EqualTo("hakube-demo-admin-conf"));
            Assert.That(SecretStateBackend.DataKey("etcd-members/etcd1.json"), Is.EqualTo("etcd1.json"));
            Assert.That(backend.Location, Is.EqualTo("Secrets hakube-system/hakube-demo-*"));
        }
    }

    private static SecretStateBackend Backend(StandinApiServer server) => new(KubeTestSupport.Client(server), Ns, "demo");

    private static ClusterStateStore Store(StandinApiServer server) => new(Backend(server));

    private static string? Decode(JsonObject? secret, string key) =>
        secret?["data"]?[key]?.GetValue<string>() is { } base64 ? Encoding.UTF8.GetString(Convert.FromBase64String(base64)) : null;
}
