using HaKube.Actions.Ssh;
using HaKube.Model.Loading;
using HaKube.Reconciler.Kubernetes;
using HaKube.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaKube.Tests.Reconciler.Kubernetes;

[TestFixture]
public sealed class SecretSessionOpenerTests
{
    [Test]
    public async Task OpenAsync_SecretHoldsKey_SessionUsesIt()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var session = await Opener(server, pool).OpenAsync(Manifest(), CancellationToken.None);
        var key = session.Key!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(key.Description, Is.EqualTo("Secret hakube-system/demo-ssh[id_ed25519]"));
            Assert.That(session.Targets.Select(t => t.Name), Is.EqualTo(new[] { "cp1" }));
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

    private static SecretSessionOpener Opener(StandinApiServer server, SshConnectionPool pool) =>
        new(new HaClusterApi(KubeTestSupport.Client(server), TimeProvider.System), pool);

    [Test]
    public async Task OpenAsync_KnownHostsSecret_UnpinnedHostExpectsItsKey()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        server.PutSecret(KubeTestSupport.Namespace, "demo-hosts", new Dictionary<string, byte[]> { ["known_hosts"] = System.Text.Encoding.UTF8.GetBytes($"127.0.99.1 {HostKey}\n") });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var session = await Opener(server, pool).OpenAsync(Manifest(knownHostsSecret: true), CancellationToken.None);
        var key = session.Key!;
        var expected = session.Targets.Single().Endpoint.HostKeys.Expected;
        Assert.That(expected.Select(k => k.Algorithm + " " + Convert.ToBase64String(k.Blob)), Is.EqualTo(new[] { HostKey }));
    }

    [Test]
    public async Task OpenAsync_KnownHostsSecretMissing_SaysWhichField()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Opener(server, pool).OpenAsync(Manifest(knownHostsSecret: true), CancellationToken.None));

        Assert.That(error?.Message, Does.StartWith("spec.ssh.knownHostsSecretRef: Secret hakube-system/demo-hosts does not exist"));
    }

    [Test]
    public async Task OpenAsync_StateStore_IsSecretsInTheNamespace()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var session = await Opener(server, pool).OpenAsync(Manifest(), CancellationToken.None);
        var key = session.Key!;
        await session.Store.SaveAdminKubeconfigAsync("kind: Config\n", CancellationToken.None);
        Assert.That(server.Get(StandinApiServer.Secrets, KubeTestSupport.Namespace, "hakube-demo-admin-conf"), Is.Not.Null);
    }

    [Test]
    public async Task OpenAsync_MirrorCaAndPackageKeySecrets_SessionCarriesTheirContent()
    {
        await using var server = StandinApiServer.Start();
        var ca = CaPem();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        server.PutSecret(KubeTestSupport.Namespace, "demo-mirrors", new Dictionary<string, byte[]>
        {
            ["ca.crt"] = System.Text.Encoding.UTF8.GetBytes(ca),
            ["release.asc"] = System.Text.Encoding.UTF8.GetBytes(PublicKey),
        });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var session = await Opener(server, pool).OpenAsync(Manifest(mirrors: true), CancellationToken.None);
        var key = session.Key!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(session.Referenced.RegistryCas["quay.io"], Is.EqualTo(ca));
            Assert.That(session.Referenced.PackageKey, Is.EqualTo(PublicKey));
        }
    }

    [Test]
    public async Task OpenAsync_PackageKeySecretHoldsAPrivateKey_RefusedNamingTheField()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        server.PutSecret(KubeTestSupport.Namespace, "demo-mirrors", new Dictionary<string, byte[]>
        {
            ["ca.crt"] = System.Text.Encoding.UTF8.GetBytes(CaPem()),
            ["release.asc"] = System.Text.Encoding.UTF8.GetBytes("-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----\n"),
        });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Opener(server, pool).OpenAsync(Manifest(mirrors: true), CancellationToken.None));

        Assert.That(error?.Message, Does.Contain("spec.packages.key: holds a private key"));
    }

    [Test]
    public async Task OpenAsync_MirrorCaSecretMissing_SaysWhichField()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Opener(server, pool).OpenAsync(Manifest(mirrors: true), CancellationToken.None));

        Assert.That(error?.Message, Does.Contain("spec.images.registryMirrors[0].caSecretRef: Secret hakube-system/demo-mirrors does not exist"));
    }

    private const string Operator = "apiVersion: v1\nkind: Namespace\nmetadata: {name: tigera-operator}\n";

    private static readonly string OperatorSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Operator)));

    [Test]
    public async Task OpenAsync_CalicoOperatorManifestSecret_SessionCarriesItsContent()
    {
        await using var server = StandinApiServer.Start();
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        server.PutSecret(KubeTestSupport.Namespace, "calico", new Dictionary<string, byte[]> { ["tigera-operator.yaml"] = System.Text.Encoding.UTF8.GetBytes(Operator) });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var session = await Opener(server, pool).OpenAsync(Manifest(calicoSha: OperatorSha), CancellationToken.None);
        var key = session.Key!;
        Assert.That(session.Referenced.CalicoOperatorManifests, Is.EqualTo(new[] { Operator }));
    }

    [Test]
    public async Task OpenAsync_CalicoOperatorManifestSecretWithOtherContent_RefusedWithBothHashes()
    {
        await using var server = StandinApiServer.Start();
        var other = Operator + "---\nkind: ClusterRoleBinding\n";
        server.PutSecret(KubeTestSupport.Namespace, "demo-ssh", new Dictionary<string, byte[]> { ["id_ed25519"] = await TestSshKeys.NewEd25519Async() });
        server.PutSecret(KubeTestSupport.Namespace, "calico", new Dictionary<string, byte[]> { ["tigera-operator.yaml"] = System.Text.Encoding.UTF8.GetBytes(other) });
        await using var pool = new SshConnectionPool(null, NullLogger<SshConnectionPool>.Instance, TimeProvider.System);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Opener(server, pool).OpenAsync(Manifest(calicoSha: OperatorSha), CancellationToken.None));

        var otherSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(other)));
        Assert.That(error?.Message, Does.EndWith($"spec.networking.calico.operatorManifests[0]: the content has SHA-256 {otherSha}; expected {OperatorSha} (its sha256)"));
        Assert.That(error?.Message, Does.Not.Contain("ClusterRoleBinding"));
    }

    private const string PublicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBG\n-----END PGP PUBLIC KEY BLOCK-----\n";

    private static string CaPem()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mirror-ca", ecdsa, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        return certificate.ExportCertificatePem() + "\n";
    }

    private const string HostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//";

    private static LoadedManifest Manifest(bool knownHostsSecret = false, bool mirrors = false, string? calicoSha = null)
    {
        var spec = KubeLoopSupport.Spec();
        if (calicoSha is not null)
        {
            spec["networking"] = System.Text.Json.Nodes.JsonNode.Parse($$$"""{"cni":"Calico","podSubnet":"192.168.0.0/16","calico":{"operatorManifests":[{"secretRef":{"name":"calico","key":"tigera-operator.yaml"},"sha256":"{{{calicoSha}}}"}]}}""");
        }

        if (mirrors)
        {
            spec["images"] = System.Text.Json.Nodes.JsonNode.Parse("""{"registryMirrors":[{"registry":"quay.io","url":"https://m.internal","caSecretRef":{"name":"demo-mirrors","key":"ca.crt"}}]}""");
            spec["packages"] = System.Text.Json.Nodes.JsonNode.Parse("""{"repository":"https://apt.internal","keySecretRef":{"name":"demo-mirrors","key":"release.asc"}}""");
        }

        if (knownHostsSecret)
        {
            spec["ssh"]!["knownHostsSecretRef"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "demo-hosts", ["key"] = "known_hosts" };
            spec["hosts"]![0]!.AsObject().Remove("hostKey");
        }

        var json = $$"""{"apiVersion":"hakube.io/v1alpha1","kind":"HaCluster","metadata":{"name":"demo","namespace":"{{KubeTestSupport.Namespace}}"},"spec":{{spec.ToJsonString()}}}""";
        var resource = HaClusterObject.From(System.Text.Json.JsonDocument.Parse(json).RootElement);
        var bound = CustomResourceBinder.Bind(resource);
        Assert.That(bound.Errors, Is.Empty);
        return bound.Manifests.Single();
    }
}
