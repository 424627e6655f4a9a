using HaKube.Actions.Pki;
using HaKube.Model.Api;
using HaKube.Tests.Support;

namespace HaKube.Tests.Actions.Pki;

/// <summary>The external-etcd leaves carry kubeadm's subjects, SANs, usages and validity, checked with the openssl CLI.</summary>
public sealed class EtcdCertificateIssuanceTests
{
    private const string ServerAndClient = "TLS Web Server Authentication, TLS Web Client Authentication";
    private const string ClientOnly = "TLS Web Client Authentication";
    private const string MemberSans = "DNS:etcd1, DNS:localhost, IP Address:10.0.0.11, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1";

    private static readonly Lazy<EtcdMemberCertificates> Member = new(() =>
        new ClusterPkiIssuer(TestPki.Factory()).IssueEtcdMember(TestPki.Authorities.EtcdCa, TestPki.Host("etcd1", "10.0.0.11", HostRole.Etcd)));

    private static readonly Lazy<CertificateKeyPair> ApiServerClient = new(() =>
        new ClusterPkiIssuer(TestPki.Factory()).IssueApiServerEtcdClient(TestPki.Authorities.EtcdCa));

    private static readonly object[] Leaves =
    [
        new object[] { "server", "subject=CN = etcd1", ServerAndClient, MemberSans },
        new object[] { "peer", "subject=CN = etcd1", ServerAndClient, MemberSans },
        new object[] { "healthcheck-client", "subject=O = system:masters, CN = kube-etcd-healthcheck-client", ClientOnly, "" },
        new object[] { "apiserver-etcd-client", "subject=O = system:masters, CN = kube-apiserver-etcd-client", ClientOnly, "" },
    ];

    private static readonly string[] LeafNames = ["server", "peer", "healthcheck-client", "apiserver-etcd-client"];

    private Openssl _openssl = null!;

    [SetUp]
    public void SetUp() => _openssl = new Openssl();

    [TearDown]
    public void TearDown() => _openssl.Dispose();

    [TestCaseSource(nameof(Leaves))]
    public async Task Issue_EtcdLeaf_HasKubeadmSubjectUsagesAndSans(string name, string subject, string extendedUsage, string sans)
    {
        var file = _openssl.Write($"{name}.crt", Leaf(name).CertificatePem);

        var text = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-text");
        var subjectLine = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-subject");

        Assert.Multiple(() =>
        {
            Assert.That(subjectLine, Is.EqualTo(subject + "\n"));
            Assert.That(text, Does.Contain("Issuer: CN = etcd-ca\n"));
            Assert.That(text, Does.Contain("X509v3 Key Usage: critical\n                Digital Signature, Key Encipherment\n"));
            Assert.That(text, Does.Contain($"X509v3 Extended Key Usage: \n                {extendedUsage}\n"));
            Assert.That(text, Does.Contain("X509v3 Basic Constraints: critical\n                CA:FALSE\n"));
            Assert.That(text, Does.Contain("X509v3 Authority Key Identifier:"));
            Assert.That(text, Does.Contain("Signature Algorithm: sha256WithRSAEncryption"));
            Assert.That(text, Does.Contain("Public-Key: (2048 bit)"));
            if (sans.Length == 0)
            {
                Assert.That(text, Does.Not.Contain("Subject Alternative Name"));
            }
            else
            {
                Assert.That(text, Does.Contain($"X509v3 Subject Alternative Name: \n                {sans}\n"));
            }
        });
    }

    [Test]
    public async Task Issue_ClientSubject_IsEncodedAsPrintableStringsLikeGo()
    {
        var file = _openssl.Write("apiserver-etcd-client.crt", Leaf("apiserver-etcd-client").CertificatePem);

        var parsed = await _openssl.OutputAsync("asn1parse", "-in", file);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Does.Match(@"PRINTABLESTRING\s*:system:masters\s*\n"));
            Assert.That(parsed, Does.Match(@"PRINTABLESTRING\s*:kube-apiserver-etcd-client\s*\n"));
            Assert.That(parsed, Does.Not.Contain("UTF8STRING"));
        });
    }

    [TestCaseSource(nameof(LeafNames))]
    public async Task Issue_EtcdLeaf_VerifiesAgainstEtcdCaForItsPurposes(string name)
    {
        var ca = _openssl.Write("etcd/ca.crt", TestPki.Authorities.EtcdCa.CertificatePem);
        var leaf = _openssl.Write($"{name}.crt", Leaf(name).CertificatePem);
        var purposes = name is "server" or "peer" ? new[] { "sslserver", "sslclient" } : ["sslclient"];

        foreach (var purpose in purposes)
        {
            var output = await _openssl.OutputAsync("verify", "-attime", TestPki.Epoch(TestPki.Now), "-purpose", purpose, "-CAfile", ca, leaf);

            Assert.That(output, Is.EqualTo($"{leaf}: OK\n"), purpose);
        }
    }

    [TestCaseSource(nameof(LeafNames))]
    public async Task Issue_EtcdLeaf_DoesNotVerifyAgainstAnotherCa(string name)
    {
        // The negative control: the verify above would pass for the wrong reasons if openssl accepted anything.
        var ca = _openssl.Write("ca.crt", TestPki.Authorities.ClusterCa.CertificatePem);
        var leaf = _openssl.Write($"{name}.crt", Leaf(name).CertificatePem);

        var result = await _openssl.RunAsync("verify", "-attime", TestPki.Epoch(TestPki.Now), "-CAfile", ca, leaf);

        Assert.That(result.ExitCode, Is.Not.Zero);
    }

    [TestCaseSource(nameof(LeafNames))]
    public async Task Issue_EtcdLeaf_AuthorityKeyIdentifierIsEtcdCaSubjectKeyIdentifier(string name)
    {
        var ca = _openssl.Write("etcd/ca.crt", TestPki.Authorities.EtcdCa.CertificatePem);
        var leaf = _openssl.Write($"{name}.crt", Leaf(name).CertificatePem);

        var subjectKeyId = await _openssl.OutputAsync("x509", "-in", ca, "-noout", "-ext", "subjectKeyIdentifier");
        var authorityKeyId = await _openssl.OutputAsync("x509", "-in", leaf, "-noout", "-ext", "authorityKeyIdentifier");

        Assert.That(KeyId(authorityKeyId), Is.EqualTo(KeyId(subjectKeyId)).And.Match("^([0-9A-F]{2}:){19}[0-9A-F]{2}$"));
    }

    [TestCaseSource(nameof(LeafNames))]
    public async Task Issue_EtcdLeaf_IsValidOneYearFromNowBackdatedFiveMinutes(string name)
    {
        var pair = Leaf(name);
        var file = _openssl.Write($"{name}.crt", pair.CertificatePem);

        var output = await _openssl.OutputAsync("x509", "-in", file, "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601");

        var notAfter = TestPki.Now.AddHours(8760);
        Assert.Multiple(() =>
        {
            Assert.That(output, Is.EqualTo($"notBefore={TestPki.Iso(TestPki.Now.AddMinutes(-5))}\nnotAfter={TestPki.Iso(notAfter)}\n"));
            Assert.That(pair.NotAfter, Is.EqualTo(notAfter));
        });
    }

    [TestCaseSource(nameof(LeafNames))]
    public async Task Issue_EtcdLeafKey_IsPkcs1RsaThatPassesCheckAndMatchesCertificate(string name)
    {
        var pair = Leaf(name);
        var certificate = _openssl.Write($"{name}.crt", pair.CertificatePem);
        var key = _openssl.Write($"{name}.key", pair.KeyPem);

        var check = await _openssl.OutputAsync("rsa", "-in", key, "-check", "-noout");
        var keyModulus = await _openssl.OutputAsync("rsa", "-in", key, "-noout", "-modulus");
        var certificateModulus = await _openssl.OutputAsync("x509", "-in", certificate, "-noout", "-modulus");

        Assert.Multiple(() =>
        {
            Assert.That(pair.KeyPem, Does.StartWith("-----BEGIN RSA PRIVATE KEY-----\n"));
            Assert.That(check, Is.EqualTo("RSA key ok\n"));
            Assert.That(keyModulus, Is.EqualTo(certificateModulus));
        });
    }

    [Test]
    public async Task Issue_ShortCertificateValidity_ExpiresAfterThatValidityAndFailsVerifyAfterwards()
    {
        var clock = TestPki.Clock();
        var factory = new CertificateFactory(clock, PkiOptions.Kubeadm with { CertificateValidity = TimeSpan.FromMinutes(10) });
        var pair = factory.Issue(TestPki.Authorities.EtcdCa, KubeadmProfiles.EtcdServer("etcd1", "10.0.0.11"));
        var ca = _openssl.Write("etcd/ca.crt", TestPki.Authorities.EtcdCa.CertificatePem);
        var leaf = _openssl.Write("server.crt", pair.CertificatePem);

        var end = await _openssl.OutputAsync("x509", "-in", leaf, "-noout", "-enddate", "-dateopt", "iso_8601");
        var before = await _openssl.RunAsync("verify", "-attime", TestPki.Epoch(TestPki.Now.AddMinutes(9)), "-CAfile", ca, leaf);
        var after = await _openssl.RunAsync("verify", "-attime", TestPki.Epoch(TestPki.Now.AddMinutes(11)), "-CAfile", ca, leaf);

        Assert.Multiple(() =>
        {
            Assert.That(end, Is.EqualTo($"notAfter={TestPki.Iso(TestPki.Now.AddMinutes(10))}\n"));
            Assert.That(pair.NotAfter, Is.EqualTo(TestPki.Now.AddMinutes(10)));
            Assert.That(before.ExitCode, Is.Zero, before.StandardError);
            Assert.That(after.ExitCode, Is.Not.Zero);
            Assert.That(after.StandardOutput + after.StandardError, Does.Contain("certificate has expired"));
        });
    }

    [Test]
    public async Task Issue_CaNearItsEnd_LeafEndsWithTheCa()
    {
        var clock = TestPki.Clock();
        var factory = new CertificateFactory(clock);
        var etcdCa = TestPki.Authorities.EtcdCa;
        clock.Advance(TimeSpan.FromHours(87600 - 24));

        var pair = factory.Issue(etcdCa, KubeadmProfiles.EtcdHealthcheckClient);
        var ca = _openssl.Write("etcd/ca.crt", etcdCa.CertificatePem);
        var leaf = _openssl.Write("healthcheck-client.crt", pair.CertificatePem);
        var verify = await _openssl.OutputAsync("verify", "-attime", TestPki.Epoch(clock.GetUtcNow()), "-CAfile", ca, leaf);

        Assert.Multiple(() =>
        {
            Assert.That(pair.NotAfter, Is.EqualTo(etcdCa.NotAfter));
            Assert.That(verify, Is.EqualTo($"{leaf}: OK\n"));
        });
    }

    [Test]
    public void Issue_ExpiredCa_Throws()
    {
        var clock = TestPki.Clock();
        var factory = new CertificateFactory(clock);
        clock.Advance(TimeSpan.FromHours(87600 + 1));

        Assert.That(() => factory.Issue(TestPki.Authorities.EtcdCa, KubeadmProfiles.EtcdHealthcheckClient),
            Throws.InvalidOperationException.With.Message.Contains("expired"));
    }

    [Test]
    public void Issue_AuthorityProfile_Throws()
    {
        var factory = TestPki.Factory();

        Assert.That(() => factory.Issue(TestPki.Authorities.EtcdCa, KubeadmProfiles.EtcdCa), Throws.ArgumentException);
    }

    [Test]
    public async Task IssueExternalEtcd_ExternalCluster_IssuesOneSetPerEtcdHostNamedAfterIt()
    {
        var spec = TestPki.Cluster(EtcdTopology.External);

        var issued = new ClusterPkiIssuer(TestPki.Factory()).IssueExternalEtcd(spec, TestPki.Authorities.EtcdCa);

        Assert.That(issued.Members.Keys, Is.EquivalentTo(new[] { "etcd1", "etcd2", "etcd3" }));
        var ca = _openssl.Write("etcd/ca.crt", TestPki.Authorities.EtcdCa.CertificatePem);
        foreach (var (name, address) in new[] { ("etcd2", "10.0.0.12"), ("etcd3", "10.0.0.13") })
        {
            var server = _openssl.Write($"{name}-server.crt", issued.Members[name].Server.CertificatePem);
            var peer = _openssl.Write($"{name}-peer.crt", issued.Members[name].Peer.CertificatePem);
            var serverSans = await _openssl.OutputAsync("x509", "-in", server, "-noout", "-subject", "-ext", "subjectAltName");
            var verify = await _openssl.OutputAsync("verify", "-attime", TestPki.Epoch(TestPki.Now), "-purpose", "sslserver", "-CAfile", ca, server, peer);

            Assert.Multiple(() =>
            {
                Assert.That(serverSans, Is.EqualTo(
                    $"subject=CN = {name}\nX509v3 Subject Alternative Name: \n" +
                    $"    DNS:{name}, DNS:localhost, IP Address:{address}, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n"));
                Assert.That(verify, Is.EqualTo($"{server}: OK\n{peer}: OK\n"));
            });
        }
    }

    [Test]
    public void IssueExternalEtcd_StackedCluster_Throws()
    {
        var issuer = new ClusterPkiIssuer(TestPki.Factory());

        Assert.That(() => issuer.IssueExternalEtcd(TestPki.Cluster(EtcdTopology.Stacked), TestPki.Authorities.EtcdCa), Throws.ArgumentException);
    }

    private static CertificateKeyPair Leaf(string name) => name switch
    {
        "server" => Member.Value.Server,
        "peer" => Member.Value.Peer,
        "healthcheck-client" => Member.Value.HealthcheckClient,
        "apiserver-etcd-client" => ApiServerClient.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    // "X509v3 ...Key Identifier: \n    AB:CD:..." -> "AB:CD:..." (older openssl prefixes "keyid:").
    private static string KeyId(string opensslExtension) =>
        opensslExtension.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1].Replace("keyid:", "", StringComparison.Ordinal);
}
