using System.Runtime.Versioning;
using HaKube.Actions.Pki;
using HaKube.Actions.State;
using HaKube.Model.Api;
using HaKube.Tests.Actions.Kubeadm;
using HaKube.Tests.Actions.Pki;
using Microsoft.Extensions.Time.Testing;

namespace HaKube.Tests.Actions.State;

[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class ClusterStateStoreTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("hakube-state-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task GetOrCreateAuthorities_TwoCalls_GeneratesOnceAndReturnsTheSameAuthorities()
    {
        var store = new ClusterStateStore(_root, "demo");
        var created = 0;

        var first = await store.GetOrCreateAuthoritiesAsync(() => { created++; return TestPki.Authorities; }, CancellationToken.None);
        var second = await new ClusterStateStore(_root, "demo").GetOrCreateAuthoritiesAsync(() => { created++; return TestPki.Authorities; }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(created, Is.EqualTo(1));
            Assert.That(second.ClusterCa.CertificatePem, Is.EqualTo(first.ClusterCa.CertificatePem));
            Assert.That(second.ClusterCa.KeyPem, Is.EqualTo(first.ClusterCa.KeyPem));
            Assert.That(second.ServiceAccount.PrivateKeyPem, Is.EqualTo(first.ServiceAccount.PrivateKeyPem));
            Assert.That(second.EtcdCa.NotAfter, Is.EqualTo(first.EtcdCa.NotAfter).Within(TimeSpan.FromSeconds(1)));
        });
    }

    [Test]
    public async Task Store_AfterWrites_FolderIs0700AndEveryFile0600()
    {
        var store = new ClusterStateStore(_root, "demo");
        var spec = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec;
        var authorities = await store.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);
        await store.GetOrIssueExternalEtcdAsync(spec, new ClusterPkiIssuer(TestPki.Factory()), authorities, CancellationToken.None);
        await store.SaveAdminKubeconfigAsync("apiVersion: v1\n", CancellationToken.None);

        var files = Directory.EnumerateFiles(store.Directory, "*", SearchOption.AllDirectories).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(store.Directory), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(files, Has.Count.EqualTo(6), string.Join(", ", files));
            Assert.That(files.Select(File.GetUnixFileMode), Has.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(files.Select(Path.GetFileName), Has.None.StartsWith("."), "no temporary file left behind");
        });
    }

    [Test]
    public async Task GetOrIssueExternalEtcd_SecondCall_ReusesEveryCertificate()
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec;
        var issuer = new ClusterPkiIssuer(TestPki.Factory());
        var store = new ClusterStateStore(_root, "demo");
        var authorities = await store.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);

        var first = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None);
        var second = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(second.ApiServerEtcdClient.CertificatePem, Is.EqualTo(first.ApiServerEtcdClient.CertificatePem));
            Assert.That(second.Members.Keys, Is.EquivalentTo(new[] { "etcd1", "etcd2", "etcd3" }));
            Assert.That(second.Members["etcd2"].Server.KeyPem, Is.EqualTo(first.Members["etcd2"].Server.KeyPem));
        });
    }

    [Test]
    public async Task GetOrIssueExternalEtcd_StoredCertificatesWithinTheWindow_ReissuesAndReplacesThem()
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec;
        var store = new ClusterStateStore(_root, "demo");
        var authorities = await store.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);
        // Issued 350 days before "now" with a year's validity: 15 days left.
        var old = new ClusterPkiIssuer(new CertificateFactory(new FakeTimeProvider(TestPki.Now.AddDays(-350))));
        var first = await store.GetOrIssueExternalEtcdAsync(spec, old, authorities, CancellationToken.None);
        var issuer = new ClusterPkiIssuer(TestPki.Factory());

        var outside = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None, TestPki.Now.AddDays(10));
        var within = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None, TestPki.Now.AddDays(30));
        var reread = await new ClusterStateStore(_root, "demo").GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None, TestPki.Now.AddDays(30));

        Assert.Multiple(() =>
        {
            Assert.That(outside.ApiServerEtcdClient.CertificatePem, Is.EqualTo(first.ApiServerEtcdClient.CertificatePem));
            Assert.That(outside.Members["etcd1"].Peer.CertificatePem, Is.EqualTo(first.Members["etcd1"].Peer.CertificatePem));
            Assert.That(first.ApiServerEtcdClient.NotAfter, Is.EqualTo(TestPki.Now.AddDays(15)));
            Assert.That(within.ApiServerEtcdClient.NotAfter, Is.EqualTo(TestPki.Now.AddDays(365)));
            Assert.That(within.Members.Values.SelectMany(m => new[] { m.Server, m.Peer, m.HealthcheckClient }).Select(p => p.NotAfter), Has.All.EqualTo(TestPki.Now.AddDays(365)));
            Assert.That(within.Members["etcd2"].Server.KeyPem, Is.Not.EqualTo(first.Members["etcd2"].Server.KeyPem));
            Assert.That(reread.ApiServerEtcdClient.CertificatePem, Is.EqualTo(within.ApiServerEtcdClient.CertificatePem), "the store keeps the reissued pair");
            Assert.That(reread.Members["etcd3"].HealthcheckClient.CertificatePem, Is.EqualTo(within.Members["etcd3"].HealthcheckClient.CertificatePem));
        });
    }

    [Test]
    public async Task GetOrIssueExternalEtcd_EtcdCaEndsWithinTheWindow_DoesNotReissueForEver()
    {
        var spec = KubeadmTestClusters.Demo(EtcdTopology.External, "v1.31.4").Spec;
        var store = new ClusterStateStore(_root, "demo");
        var authorities = await store.GetOrCreateAuthoritiesAsync(() => TestPki.Authorities, CancellationToken.None);
        var issuer = new ClusterPkiIssuer(TestPki.Factory());
        var first = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None);

        var second = await store.GetOrIssueExternalEtcdAsync(spec, issuer, authorities, CancellationToken.None, authorities.EtcdCa.NotAfter.AddDays(1));

        Assert.That(second.ApiServerEtcdClient.CertificatePem, Is.EqualTo(first.ApiServerEtcdClient.CertificatePem));
    }

    [Test]
    public async Task AdminKubeconfig_SavedThenLoaded_RoundTrips()
    {
        var store = new ClusterStateStore(_root, "demo");

        Assert.That(await store.LoadAdminKubeconfigAsync(CancellationToken.None), Is.Null);
        await store.SaveAdminKubeconfigAsync("kind: Config\n", CancellationToken.None);
        Assert.That(await store.LoadAdminKubeconfigAsync(CancellationToken.None), Is.EqualTo("kind: Config\n"));
    }

    [Test]
    public void Constructor_NameWithSlash_Throws() =>
        Assert.That(() => new ClusterStateStore(_root, "../x"), Throws.ArgumentException);
}
