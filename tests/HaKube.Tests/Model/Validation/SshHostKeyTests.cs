using HaKube.Model.Validation;

namespace HaKube.Tests.Model.Validation;

public sealed class SshHostKeyTests
{
    private const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//";

    [Test]
    public void TryParse_KnownHostsLineKey_ReturnsAlgorithmAndBlob()
    {
        Assert.That(SshHostKey.TryParse(Ed25519 + " root@cp1", out var key, out var problem), Is.True, problem);
        Assert.Multiple(() =>
        {
            Assert.That(key!.Algorithm, Is.EqualTo("ssh-ed25519"));
            Assert.That(key.Blob, Has.Length.EqualTo(51));
            Assert.That(key.ToString(), Is.EqualTo(Ed25519));
        });
    }

    [TestCase("ssh-ed25519", "expected \"<algorithm> <base64 key>\"")]
    [TestCase("ssh-dss AAAA", "unsupported host key algorithm")]
    [TestCase("ssh-ed25519 %%%", "not valid base64")]
    [TestCase("ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAIO9teL6ozH91OxOpa9m5hs9zLang/LmYoW7v58EbFC//", "not an ecdsa-sha2-nistp256 key")]
    public void TryParse_Malformed_SaysWhy(string text, string why)
    {
        Assert.That(SshHostKey.TryParse(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(why));
    }
}
