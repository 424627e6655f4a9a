using HaKube.Actions.Kubeadm;
using HaKube.Actions.Pki;

namespace HaKube.Tests.Actions.Kubeadm;

public sealed class CaCertHashTests
{
    // A throw-away self-signed P-256 CA. The expected pin was computed with the openssl pipeline
    // the kubeadm docs give (x509 -pubkey | pkey -pubin -outform der | sha256sum), independently of .NET.
    private const string CaPem = """
        -----BEGIN CERTIFICATE-----
        MIIBfzCCASWgAwIBAgIURt3Uq8PayPHPPoCpd5Ef3iNWOygwCgYIKoZIzj0EAwIw
        FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjExMjQxNTU3NDFaFw0zNjExMjEx
        NTU3NDFaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAATRMjOH5fUYsE4YyDtUITxhFNm81p3hO/7HzGmwt241rQFl4pUZGIUi
        2CtE2hQdjagmO01We//jMv/kvisZ+nI8o1MwUTAdBgNVHQ4EFgQUMa+kEVlmKbd1
        qHMxE00WWoPjU0swHwYDVR0jBBgwFoAUMa+kEVlmKbd1qHMxE00WWoPjU0swDwYD
        VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiA/eDxqna6oAjROVAYbTIPn
        fJqFsYDosztO6XU9irHFWQIhAP9GgPHreh8dqdNhTxq2SgDAzOf0yV9gXWsaJPH8
        JJSd
        -----END CERTIFICATE-----
        """;

    [Test]
    public void Parse_PkiComputedPin_MatchesOpensslSpkiDigest()
    {
        // The hand-off the reconciler makes: PKI computes the pin, the renderer takes it.
        var hash = CaCertHash.Parse(DiscoveryTokenCaCertHash.Compute(CaPem));

        Assert.That(hash.Value, Is.EqualTo("sha256:726df475bd02e3d5d7498b93ba024001c064989f0b1b5fc70c964e5289b5cf6a"));
    }

    [Test]
    public void Parse_UpperCaseHex_IsStoredLowerCase()
    {
        var hash = CaCertHash.Parse("sha256:726DF475BD02E3D5D7498B93BA024001C064989F0B1B5FC70C964E5289B5CF6A");

        Assert.That(hash.Value, Is.EqualTo("sha256:726df475bd02e3d5d7498b93ba024001c064989f0b1b5fc70c964e5289b5cf6a"));
    }

    [TestCase("726df475bd02e3d5d7498b93ba024001c064989f0b1b5fc70c964e5289b5cf6a")]
    [TestCase("sha256:726df475")]
    [TestCase("sha256:726df475bd02e3d5d7498b93ba024001c064989f0b1b5fc70c964e5289b5cf6a\n")]
    [TestCase("sha1:726df475bd02e3d5d7498b93ba024001c064989f0b1b5fc70c964e5289b5cf6a")]
    public void TryParse_Malformed_ReturnsFalse(string text)
    {
        Assert.That(CaCertHash.TryParse(text, out _), Is.False);
    }
}
